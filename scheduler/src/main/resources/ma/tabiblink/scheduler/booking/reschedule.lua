-- Moves a booked or held appointment to another slot: the new slot is checked and taken in the same atomic step
-- that releases the old one, so the appointment is never without a slot and never holds two.
-- ARGV[5] id, [6] new specialist, [7] new start ms, [8] new end ms, [9] zone, [10] capacity, [11] longest slot ms,
-- [12] reminder offsets.
-- Replies {'OK', old specialist, old start, old end}, {'SAME'} when already there, or {'ERR', code, status}.
local id, specialist = ARGV[5], ARGV[6]
local a = load(id)
if not a then return { 'ERR', 'UNKNOWN_APPOINTMENT', '' } end
if a.status ~= 'booked' and a.status ~= 'pending' then return { 'ERR', 'INVALID_TRANSITION', a.status } end
if a.specialistId == specialist and a.start == ARGV[7] then return { 'SAME' } end
local holdExp = 0
if a.status == 'pending' then
  holdExp = tonumber(a.holdExpiresAt)
  if holdExp <= NOW then return { 'ERR', 'HOLD_EXPIRED', a.status } end
end
local startMs, endMs, maxLen = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[11])
if count_overlaps(spec_busy_key(specialist), startMs, endMs, maxLen, id) >= tonumber(ARGV[10]) then
  return { 'ERR', 'SLOT_TAKEN', a.status }
end
if count_overlaps(pat_busy_key(a.patientRef), startMs, endMs, maxLen, id) >= 1 then
  return { 'ERR', 'PATIENT_BUSY', a.status }
end
release(id, a)
occupy(id, specialist, a.patientRef, startMs, endMs, holdExp)
if a.specialistId ~= specialist then redis.call('ZREM', spec_idx_key(a.specialistId), id) end
redis.call('ZADD', spec_idx_key(specialist), startMs, id)
redis.call('ZADD', disp_idx_key(a.dispensaryId), startMs, id)
redis.call('ZADD', ALL_IDX, startMs, id)
drop_reminders(id)
local version = tonumber(a.version) + 1
redis.call('HSET', appt_key(id), 'specialistId', specialist, 'start', ARGV[7], 'end', ARGV[8], 'zone', ARGV[9],
  'updatedAt', ARGV[2], 'version', version)
if a.status == 'booked' then schedule_reminders(id, startMs, version, ARGV[12]) end
history(id, 'reschedule', a.status, a.status,
  a.specialistId .. '@' .. a.start .. ' -> ' .. specialist .. '@' .. ARGV[7])
return { 'OK', a.specialistId, a.start, a['end'] }
