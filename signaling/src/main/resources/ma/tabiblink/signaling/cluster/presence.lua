-- ARGV: prefix, user, status, now, presenceTtlMs
local u, status, now, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local pk = presKey(u)
if redis.call('EXISTS', pk) == 0 then return {'OFFLINE'} end
local before = effectiveStatus(u)
redis.call('HSET', pk, 'status', status)
redis.call('HDEL', pk, 'guessed')
redis.call('PEXPIRE', pk, ttl)
markOnline(u)
reavail(u, now)
return {'OK', effectiveStatus(u), before}
