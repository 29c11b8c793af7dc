-- Moves an appointment from one status to another.
-- ARGV[5] id, [6] target status, [7] allowed current statuses (comma-separated), [8] action name for the history,
-- [9] reason ('' = none), [10] hold rule: 'valid' (a pending hold must not have lapsed), 'expired' (it must have),
-- or '', [11] '1' = not before the appointment's start, [12] reminder offsets for a confirmation.
-- Replies {'OK', previous status}, {'SAME', status} when already there, or {'ERR', code, current status}.
local id, target = ARGV[5], ARGV[6]
local a = load(id)
if not a then return { 'ERR', 'UNKNOWN_APPOINTMENT', '' } end
if a.status == target then return { 'SAME', a.status } end
local allowed = false
for s in string.gmatch(ARGV[7], '[^,]+') do
  if s == a.status then allowed = true end
end
if not allowed then return { 'ERR', 'INVALID_TRANSITION', a.status } end
local holdExp = tonumber(a.holdExpiresAt or '0') or 0
if ARGV[10] == 'valid' and a.status == 'pending' and holdExp <= NOW then
  return { 'ERR', 'HOLD_EXPIRED', a.status }
end
if ARGV[10] == 'expired' and (a.status ~= 'pending' or holdExp > NOW) then
  return { 'ERR', 'INVALID_TRANSITION', a.status }
end
if ARGV[11] == '1' and NOW < tonumber(a.start) then return { 'ERR', 'TOO_EARLY', a.status } end
local version = tonumber(a.version) + 1
if target == 'cancelled' or target == 'noshow' or target == 'entered-in-error' then
  release(id, a)
  if a.status == 'waitlist' then redis.call('ZREM', waitlist_key(a.specialty), id) end
end
if target == 'booked' then
  release(id, a)
  occupy(id, a.specialistId, a.patientRef, tonumber(a.start), tonumber(a['end']), 0)
  redis.call('HSET', appt_key(id), 'holdExpiresAt', '0')
  schedule_reminders(id, tonumber(a.start), version, ARGV[12])
else
  drop_reminders(id)
end
redis.call('HSET', appt_key(id), 'status', target, 'updatedAt', ARGV[2], 'version', version)
local reason = nil
if ARGV[9] ~= '' then
  reason = ARGV[9]
  redis.call('HSET', appt_key(id), 'statusReason', reason)
end
history(id, ARGV[8], a.status, target, reason)
return { 'OK', a.status }
