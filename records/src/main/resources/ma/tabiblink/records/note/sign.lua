-- Marks a draft version signed, only if it still holds the content the caller signed (same wrapped data key).
-- KEYS[1] version hash, KEYS[2] patient hash; ARGV[1] wrapped data key the caller read, ARGV[2..] signature
-- field/value pairs
-- Returns 'OK', 'NOT_DRAFT', 'CONFLICT' or 'ERASED' (the patient's record was erased).
if redis.call('HEXISTS', KEYS[2], 'erasedAt') == 1 then
  return 'ERASED'
end
if redis.call('HGET', KEYS[1], 'status') ~= 'DRAFT' then
  return 'NOT_DRAFT'
end
if redis.call('HGET', KEYS[1], 'dk') ~= ARGV[1] then
  return 'CONFLICT'
end
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
return 'OK'
