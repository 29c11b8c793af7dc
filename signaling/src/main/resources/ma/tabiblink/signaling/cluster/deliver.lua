-- Delivers server-message JSON to a session: published to the node holding it, or stored while it is parked.
-- ARGV: prefix, sid, json, maxOutbox, node that asks (never published back to), call id the message belongs to or ''
local sid, json, maxOutbox, asking, cid = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
if cid ~= '' and redis.call('HGET', callKey(cid), 'state') ~= 'active' then return 'NOT_ACTIVE' end
local sk = sessKey(sid)
local h = redis.call('HMGET', sk, 'state', 'node')
if h[1] == 'live' then
  if h[2] == asking then return 'GONE' end
  if redis.call('PUBLISH', P .. 'node:' .. h[2], sid .. ' ' .. json) > 0 then return 'SENT' end
  -- Nobody listens there: the node died and is not yet declared dead. The message is kept as for a parked
  -- session, and replayed when the client resumes elsewhere.
elseif h[1] ~= 'parked' then
  return 'GONE'
end
local seq = redis.call('HINCRBY', sk, 'seq', 1)
redis.call('RPUSH', sk .. ':outbox', seq .. ' ' .. json)
if redis.call('LLEN', sk .. ':outbox') > maxOutbox then
  redis.call('LPOP', sk .. ':outbox')
end
return 'STORED'
