-- Registers a patient atomically: claims the identifier indexes (refusing duplicates), writes the record,
-- adds it to its dispensary and to the users of its key-encryption-key version.
-- KEYS[1] patient hash, KEYS[2] dispensary sorted set, KEYS[3] KEK users set,
-- KEYS[4] national ID index or '' , KEYS[5] insurance number index or ''
-- ARGV[1] patient id, ARGV[2] registration time (epoch ms), ARGV[3..] field/value pairs of the patient hash
-- Returns 'OK', or 'DUP:NATIONAL_ID' / 'DUP:INSURANCE_NUMBER'.
if KEYS[4] ~= '' and redis.call('EXISTS', KEYS[4]) == 1 then
  return 'DUP:NATIONAL_ID'
end
if KEYS[5] ~= '' and redis.call('EXISTS', KEYS[5]) == 1 then
  return 'DUP:INSURANCE_NUMBER'
end
if KEYS[4] ~= '' then
  redis.call('SET', KEYS[4], ARGV[1])
end
if KEYS[5] ~= '' then
  redis.call('SET', KEYS[5], ARGV[1])
end
local fields = {}
for i = 3, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[3], KEYS[1])
return 'OK'
