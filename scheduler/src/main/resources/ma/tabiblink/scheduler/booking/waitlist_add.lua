-- Puts a request on a specialty's waitlist as an appointment in status 'waitlist'. KEYS[1] idempotency key.
-- ARGV[5] id, [6] specialty, [7] dispensary, [8] patientRef, [9] requested from ms, [10] requested to ms,
-- [11] preferred specialist ('' = any), [12] zone, [13] request fingerprint, [14] idempotency retention s.
local done = replay(KEYS[1], ARGV[13])
if done then return done end
local id = ARGV[5]
local order = redis.call('INCR', PREFIX .. 'waitlist:seq')
redis.call('HSET', appt_key(id), 'id', id, 'status', 'waitlist', 'specialty', ARGV[6], 'dispensaryId', ARGV[7],
  'patientRef', ARGV[8], 'requestedFrom', ARGV[9], 'requestedTo', ARGV[10], 'preferredSpecialistId', ARGV[11],
  'zone', ARGV[12], 'createdBy', ACTOR, 'createdAt', ARGV[2], 'updatedAt', ARGV[2], 'version', '1')
redis.call('ZADD', waitlist_key(ARGV[6]), order, id)
history(id, 'waitlist', nil, 'waitlist', nil)
remember(KEYS[1], id, ARGV[13], tonumber(ARGV[14]))
return { 'OK', id }
