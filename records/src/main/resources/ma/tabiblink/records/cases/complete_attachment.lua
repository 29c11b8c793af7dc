-- Replaces the chunks of a fully received attachment by its checked content, sealed whole.
-- KEYS[1] attachment hash, KEYS[2] case's uploads in progress, KEYS[3] KEK users set of the new data key,
-- KEYS[4] patient hash, KEYS[5..] chunk hashes
-- ARGV[1] attachment id, ARGV[2] KEK users key prefix, ARGV[3..] field/value pairs
-- Returns 'OK', 'GONE' or 'ERASED'.
if redis.call('HEXISTS', KEYS[4], 'erasedAt') == 1 then
  return 'ERASED'
end
if redis.call('HGET', KEYS[1], 'complete') ~= 'false'
    or redis.call('HGET', KEYS[1], 'received') ~= redis.call('HGET', KEYS[1], 'declared') then
  return 'GONE'
end
for i = 5, #KEYS do
  local kv = redis.call('HGET', KEYS[i], 'kv')
  if kv then
    redis.call('SREM', ARGV[2] .. kv .. ':users', KEYS[i])
  end
  redis.call('DEL', KEYS[i])
end
local fields = {}
for i = 3, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('HDEL', KEYS[1], 'chunks')
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], KEYS[1])
return 'OK'
