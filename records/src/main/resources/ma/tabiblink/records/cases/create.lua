-- Creates a case once per idempotency key, for a patient who exists and was not erased.
-- KEYS[1] idempotency key, KEYS[2] case hash, KEYS[3] patient hash, KEYS[4] dispensary's cases,
-- KEYS[5] patient's cases, KEYS[6] KEK users set of the case's data key
-- ARGV[1] case id, ARGV[2] request fingerprint, ARGV[3] creation time (ms), ARGV[4] idempotency lifetime (s),
-- ARGV[5..] field/value pairs
-- Returns 'NEW', 'SAME:<case id>' (the key already created a case for this request), 'OTHER' (the key was used for
-- another request), 'NOT_FOUND' or 'ERASED'.
if redis.call('EXISTS', KEYS[3]) == 0 then
  return 'NOT_FOUND'
end
if redis.call('HEXISTS', KEYS[3], 'erasedAt') == 1 then
  return 'ERASED'
end
local seen = redis.call('GET', KEYS[1])
if seen then
  local id, fingerprint = string.match(seen, '^([^|]+)|(.*)$')
  if fingerprint == ARGV[2] then
    return 'SAME:' .. id
  end
  return 'OTHER'
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[4])
local fields = {}
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('SADD', KEYS[6], KEYS[2])
return 'NEW'
