-- ARGV: prefix, sid, node, deadline, keyTtlMs, seq, outbox entries ("<seq> <json>")...
local sid, node, deadline, ttl, seq = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local sk = sessKey(sid)
if redis.call('HGET', sk, 'state') ~= 'live' or redis.call('HGET', sk, 'node') ~= node then return {'NOT_OWNER'} end
redis.call('HSET', sk, 'seq', seq)
redis.call('DEL', sk .. ':outbox')
for i = 7, #ARGV do redis.call('RPUSH', sk .. ':outbox', ARGV[i]) end
local peers = park(sid, deadline, ttl)
local out = {'OK'}
for _, x in ipairs(peers) do out[#out + 1] = x end
return out
