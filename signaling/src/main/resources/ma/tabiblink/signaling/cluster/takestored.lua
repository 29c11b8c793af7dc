-- Takes (reads and removes) the messages stored for a live session while the node holding it could not hear its
-- channel, e.g. during a Redis failover, when a PUBLISH found no subscriber. Only the node holding it may take them.
-- ARGV: prefix, sid, node that asks
local sid, asking = ARGV[2], ARGV[3]
local sk = sessKey(sid)
local h = redis.call('HMGET', sk, 'state', 'node')
if h[1] ~= 'live' or h[2] ~= asking then return {} end
local stored = redis.call('LRANGE', sk .. ':outbox', 0, -1)
redis.call('DEL', sk .. ':outbox')
return stored
