-- The rung specialist says no; the call goes back to queued. ARGV: prefix, cid, user, now
local cid, u, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local ck = callKey(cid)
local c = redis.call('HMGET', ck, 'state', 'ringing', 'specialty')
if not c[1] then return {'UNKNOWN_CALL'} end
if c[1] ~= 'ringing' or c[2] ~= u then return {'CALL_NOT_RINGING'} end
redis.call('SADD', ck .. ':declined', u)
redis.call('HSET', ck, 'state', 'queued', 'ringing', '')
redis.call('ZREM', P .. 'ringing', cid)
requeue(cid, c[3])
releaseRinging(cid, u, now)
return {'OK', c[3]}
