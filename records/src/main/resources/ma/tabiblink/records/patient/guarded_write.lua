-- Writes fields of a record of a patient, unless the patient is unknown or was erased: checked in the same atomic
-- step as the write, so nothing is written for a patient once their erasure has begun.
-- KEYS[1] patient hash, KEYS[2] hash to write (the patient hash itself, or e.g. one of their consultations)
-- ARGV field/value pairs
-- Returns 'OK', 'NOT_FOUND' or 'ERASED'.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'NOT_FOUND'
end
if redis.call('HEXISTS', KEYS[1], 'erasedAt') == 1 then
  return 'ERASED'
end
redis.call('HSET', KEYS[2], unpack(ARGV))
return 'OK'
