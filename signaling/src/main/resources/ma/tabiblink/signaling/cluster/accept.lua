-- A specialist takes a queued or ringing call, and its specialty's queue is dispatched (queue.lua).
-- ARGV: prefix, cid, user, sid, specialtiesCsv, now, ringTimeoutMs, typicalCallMs, head, inTurn
-- Returns: 'OK', the specialist rung before ('' if none), the accepted call and specialist (pushCallAndSpecialist
--   of queue.lua), then the dispatch's reply; or an error code
local cid, u, sid, specs, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local ck = callKey(cid)
local c = redis.call('HMGET', ck, 'state', 'specialty', 'ringing', 'nurse', 'nurseSid', 'kind')
if not c[1] then return {'UNKNOWN_CALL'} end
local allowed = false
for s in string.gmatch(specs, '[^,]+') do if s == c[2] then allowed = true end end
if not allowed then return {'SPECIALTY_NOT_ALLOWED'} end
if c[1] == 'active' or c[1] == 'waiting' then return {'CALL_TAKEN'} end
if c[1] ~= 'queued' and c[1] ~= 'ringing' then return {'CALL_ENDED'} end
if (redis.call('HGET', presKey(u), 'call') or '') ~= '' then return {'ALREADY_IN_CALL'} end
redis.call('HSET', ck, 'state', 'active', 'specialist', u, 'specialistSid', sid, 'acceptedAt', now, 'ringing', '')
dequeue(cid, c[2])
redis.call('ZREM', P .. 'ringing', cid)
redis.call('SREM', P .. 'user:' .. c[4] .. ':pending', cid)
redis.call('SADD', P .. 'calls', cid)
redis.call('SADD', sessKey(sid) .. ':calls', cid)
if redis.call('EXISTS', presKey(u)) == 1 then
  redis.call('HSET', presKey(u), 'call', cid, 'ringing', '')
  unavail(u)
end
local prev = c[3] or ''
if prev ~= '' and prev ~= u then releaseRinging(cid, prev, now) end
local out = {'OK', prev}
pushCallAndSpecialist(out, cid, u)
for _, x in ipairs(dispatchQueue(c[2], now, tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]),
  tonumber(ARGV[10]))) do
  out[#out + 1] = x
end
return out
