-- Ends a call in any state. ARGV: prefix, cid, byUser ('' for the server), reason, now, callTtlMs
-- Returns: OK, previous state, nurse, nurseSid, specialist, specialistSid, ringing specialist, specialty, appointmentId
local cid, by, reason, now, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local ck = callKey(cid)
local c = redis.call('HMGET', ck, 'state', 'nurse', 'nurseSid', 'specialist', 'specialistSid', 'ringing', 'specialty',
  'appointmentId', 'acceptedAt')
if not c[1] then return {'UNKNOWN_CALL'} end
if c[1] == 'ended' then return {'CALL_ENDED'} end
if by ~= '' and by ~= c[2] and by ~= c[4] then return {'NOT_IN_CALL'} end
redis.call('HSET', ck, 'state', 'ended', 'endReason', reason, 'endedBy', by, 'endedAt', now, 'ringing', '')
redis.call('PEXPIRE', ck, ttl)
redis.call('DEL', ck .. ':declined')
redis.call('SREM', P .. 'calls', cid)
if c[7] then dequeue(cid, c[7]) end
redis.call('ZREM', P .. 'ringing', cid)
if c[2] then redis.call('SREM', P .. 'user:' .. c[2] .. ':pending', cid) end
if c[3] then redis.call('SREM', sessKey(c[3]) .. ':calls', cid) end
if c[5] then redis.call('SREM', sessKey(c[5]) .. ':calls', cid) end
if c[8] and redis.call('GET', P .. 'appt:' .. c[8]) == cid then redis.call('DEL', P .. 'appt:' .. c[8]) end
if c[6] and c[6] ~= '' then releaseRinging(cid, c[6], now) end
if c[4] and redis.call('HGET', presKey(c[4]), 'call') == cid then
  redis.call('HSET', presKey(c[4]), 'call', '')
  reavail(c[4], now)
end
if c[1] == 'active' and c[9] and c[7] then
  local sk = P .. 'stats:' .. c[7]
  local took = now - tonumber(c[9])
  local old = tonumber(redis.call('HGET', sk, 'handleMs') or took)
  redis.call('HSET', sk, 'handleMs', math.floor(old * 0.8 + took * 0.2))
end
return {'OK', c[1], c[2] or '', c[3] or '', c[4] or '', c[5] or '', c[6] or '', c[7] or '', c[8] or ''}
