-- A participant of a booked consultation joins its call; the second one to join makes it active.
-- ARGV: prefix, appointmentId, newCid, side ('nurse'|'specialist'), user, sid, name, dispensary, province,
--       specialty, patientRef, now
local appt, newCid, side, u, sid = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local now = ARGV[12]
if side == 'specialist' and (redis.call('HGET', presKey(u), 'call') or '') ~= '' then
  local current = redis.call('HGET', presKey(u), 'call')
  if redis.call('GET', P .. 'appt:' .. appt) ~= current then return {'ALREADY_IN_CALL'} end
end
local ak = P .. 'appt:' .. appt
local cid = redis.call('GET', ak)
if cid and not redis.call('HGET', callKey(cid), 'state') then cid = nil end
local function fill(ck)
  if side == 'nurse' then
    redis.call('HSET', ck, 'nurse', u, 'nurseSid', sid, 'nurseName', ARGV[7], 'nurseDisp', ARGV[8], 'nurseProv', ARGV[9])
  else
    redis.call('HSET', ck, 'specialist', u, 'specialistSid', sid)
    if redis.call('EXISTS', presKey(u)) == 1 then
      redis.call('HSET', presKey(u), 'call', redis.call('GET', ak))
      unavail(u)
    end
  end
  redis.call('SADD', sessKey(sid) .. ':calls', redis.call('GET', ak))
end
if not cid then
  cid = newCid
  redis.call('SET', ak, cid)
  redis.call('HSET', callKey(cid), 'state', 'waiting', 'kind', 'appointment', 'appointmentId', appt,
    'specialty', ARGV[10], 'patientRef', ARGV[11], 'requestedAt', now, 'ringing', '')
  fill(callKey(cid))
  return {'WAITING', cid}
end
local ck = callKey(cid)
local c = redis.call('HMGET', ck, 'state', side)
if c[1] == 'waiting' then
  if c[2] and c[2] ~= '' then
    fill(ck)
    return {'WAITING', cid}
  end
  fill(ck)
  redis.call('HSET', ck, 'state', 'active', 'acceptedAt', now)
  redis.call('SADD', P .. 'calls', cid)
  return {'ACTIVE', cid}
end
return {'CALL_TAKEN', cid}
