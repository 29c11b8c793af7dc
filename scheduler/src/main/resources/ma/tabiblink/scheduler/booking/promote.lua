-- Gives a freed slot to a waitlisted request: books it, or holds it as an offer.
-- ARGV[5] id, [6] specialist, [7] start ms, [8] end ms, [9] zone, [10] capacity, [11] longest slot ms,
-- [12] hold expiry ms (0 = book), [13] reminder offsets.
local id, specialist = ARGV[5], ARGV[6]
local a = load(id)
if not a or a.status ~= 'waitlist' then return { 'ERR', 'INVALID_TRANSITION', a and a.status or '' } end
local startMs, endMs, maxLen = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[11])
local holdExp = tonumber(ARGV[12])
if count_overlaps(spec_busy_key(specialist), startMs, endMs, maxLen, '') >= tonumber(ARGV[10]) then
  return { 'ERR', 'SLOT_TAKEN', a.status }
end
if count_overlaps(pat_busy_key(a.patientRef), startMs, endMs, maxLen, '') >= 1 then
  return { 'ERR', 'PATIENT_BUSY', a.status }
end
local status = 'pending'
if holdExp == 0 then status = 'booked' end
local version = tonumber(a.version) + 1
redis.call('HSET', appt_key(id), 'specialistId', specialist, 'start', ARGV[7], 'end', ARGV[8], 'zone', ARGV[9],
  'status', status, 'holdExpiresAt', ARGV[12], 'updatedAt', ARGV[2], 'version', version)
redis.call('ZREM', waitlist_key(a.specialty), id)
a.specialistId = specialist
occupy(id, specialist, a.patientRef, startMs, endMs, holdExp)
redis.call('ZADD', spec_idx_key(specialist), startMs, id)
redis.call('ZADD', disp_idx_key(a.dispensaryId), startMs, id)
redis.call('ZADD', ALL_IDX, startMs, id)
if status == 'booked' then schedule_reminders(id, startMs, version, ARGV[13]) end
history(id, 'waitlist-promote', 'waitlist', status, specialist .. '@' .. ARGV[7])
return { 'OK', 'waitlist' }
