-- Holds (pending) or books a slot. KEYS[1] idempotency key, KEYS[2] the specialist's schedule, KEYS[3] the
-- specialty's slot policy.
-- ARGV[5] id, [6] specialist, [7] specialty, [8] dispensary, [9] patientRef, [10] startMs, [11] endMs, [12] zone,
-- [13] hold expiry ms (0 = book directly), [14] slot capacity, [15] longest slot ms, [16] request fingerprint,
-- [17] idempotency retention s, [18] reminder offsets (minutes, comma-separated), [19] the schedule version and
-- [20] the policy text ('' = default) the caller validated the slot against; optional [21], [22] a time range (ms):
-- a refusal with SLOT_TAKEN then carries the specialist's busy entries starting in it (member, score, member, ...),
-- from which the caller answers with the next free slots without asking again.
local done = replay(KEYS[1], ARGV[16])
if done then return done end
if redis.call('HGET', KEYS[2], 'version') ~= ARGV[19] or (redis.call('GET', KEYS[3]) or '') ~= ARGV[20] then
  return { 'STALE' }
end
local id, specialist, patient = ARGV[5], ARGV[6], ARGV[9]
local startMs, endMs, holdExp = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[13])
local maxLen = tonumber(ARGV[15])
if count_overlaps(spec_busy_key(specialist), startMs, endMs, maxLen, '') >= tonumber(ARGV[14]) then
  local refusal = { 'ERR', 'SLOT_TAKEN' }
  if ARGV[22] then
    for _, v in ipairs(redis.call('ZRANGEBYSCORE', spec_busy_key(specialist), ARGV[21], ARGV[22], 'WITHSCORES')) do
      refusal[#refusal + 1] = v
    end
  end
  return refusal
end
if count_overlaps(pat_busy_key(patient), startMs, endMs, maxLen, '') >= 1 then
  return { 'ERR', 'PATIENT_BUSY' }
end
local status = 'pending'
if holdExp == 0 then status = 'booked' end
local member = id .. '|' .. ARGV[11] .. '|' .. ARGV[13]
local reminders = ''
if status == 'booked' then reminders = queue_reminders(id, startMs, 1, ARGV[18]) end
redis.call('HSET', appt_key(id), 'id', id, 'status', status, 'specialistId', specialist, 'specialty', ARGV[7],
  'dispensaryId', ARGV[8], 'patientRef', patient, 'start', ARGV[10], 'end', ARGV[11], 'zone', ARGV[12],
  'holdExpiresAt', ARGV[13], 'createdBy', ACTOR, 'createdByRole', ROLE, 'createdAt', ARGV[2],
  'createdAs', status == 'booked' and 'book' or 'hold', 'updatedAt', ARGV[2], 'version', '1',
  'busy', member, 'reminders', reminders)
redis.call('ZADD', spec_busy_key(specialist), startMs, member)
redis.call('ZADD', pat_busy_key(patient), startMs, member)
if holdExp ~= 0 then redis.call('ZADD', HOLDS, holdExp, id) end
redis.call('ZADD', spec_idx_key(specialist), startMs, id)
redis.call('ZADD', ALL_IDX, startMs, id)
remember(KEYS[1], id, ARGV[16], tonumber(ARGV[17]))
return { 'OK', id }
