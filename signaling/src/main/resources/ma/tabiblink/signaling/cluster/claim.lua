-- ARGV: prefix, sid, secretHash, user, node, presenceTtlMs, now
local sid, secret, u, node, ttl = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local sk = sessKey(sid)
local h = redis.call('HMGET', sk, 'state', 'secret', 'user', 'node', 'seq', 'reaped')
if not h[1] then return {'RESUME_EXPIRED'} end
if h[2] ~= secret or h[3] ~= u then return {'RESUME_INVALID'} end
if h[1] == 'live' then return {'LIVE', h[4]} end
redis.call('HSET', sk, 'state', 'live', 'node', node, 'reaped', '0')
redis.call('HDEL', sk, 'deadline')
redis.call('ZREM', P .. 'parked', sid)
redis.call('SADD', P .. 'node:' .. node .. ':sessions', sid)
redis.call('SADD', userSessKey(u), sid)
local out = {'OK', h[5] or '0', h[6] or '0'}
for _, e in ipairs(redis.call('LRANGE', sk .. ':outbox', 0, -1)) do out[#out + 1] = e end
redis.call('DEL', sk .. ':outbox')
if redis.call('EXISTS', presKey(u)) == 1 then
  redis.call('HSET', presKey(u), 'conn', '1')
  redis.call('PEXPIRE', presKey(u), ttl)
  reavail(u, tonumber(ARGV[7]))
end
return out
