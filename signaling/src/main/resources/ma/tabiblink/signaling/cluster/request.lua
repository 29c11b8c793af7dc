-- A nurse's urgent call joins the queue of its specialty, and the queue is dispatched (queue.lua).
-- ARGV: prefix, cid, user, sid, specialty, patientRef, reason, name, dispensary, province, now, maxPending,
--   ringTimeoutMs, typicalCallMs, head, inTurn
-- Returns: 'OK' and the dispatch's reply, or an error code
local cid, u, sid, spec = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now, maxPending = ARGV[11], tonumber(ARGV[12])
local pk = P .. 'user:' .. u .. ':pending'
for _, other in ipairs(redis.call('SMEMBERS', pk)) do
  local st = redis.call('HGET', callKey(other), 'state')
  if st ~= 'queued' and st ~= 'ringing' then redis.call('SREM', pk, other) end
end
if redis.call('SCARD', pk) >= maxPending then return {'TOO_MANY_PENDING_CALLS'} end
redis.call('HSET', callKey(cid), 'state', 'queued', 'kind', 'urgent', 'specialty', spec, 'patientRef', ARGV[6],
  'reason', ARGV[7], 'nurse', u, 'nurseSid', sid, 'nurseName', ARGV[8], 'nurseDisp', ARGV[9],
  'nurseProv', ARGV[10], 'requestedAt', now, 'ringing', '', 'position', '0')
local seq = redis.call('INCR', P .. 'queueseq')
local qk = queueKey(spec)
redis.call('ZADD', qk, seq, cid)
redis.call('ZADD', qk .. ':waiting', seq, cid)
redis.call('ZADD', qk .. ':fresh', seq, cid)
redis.call('SADD', pk, cid)
redis.call('SADD', sessKey(sid) .. ':calls', cid)
redis.call('SADD', P .. 'specialties', spec)
local out = dispatchQueue(spec, tonumber(now), tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]),
  tonumber(ARGV[16]))
table.insert(out, 1, 'OK')
return out
