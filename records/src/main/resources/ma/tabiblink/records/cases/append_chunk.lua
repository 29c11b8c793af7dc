-- Stores one sealed chunk of an attachment if it starts exactly where the upload stands (compare-and-set on the
-- offset, so a chunk sent twice or out of order is never stored twice).
-- KEYS[1] attachment hash, KEYS[2] chunk hash, KEYS[3] KEK users set of the chunk's data key, KEYS[4] patient hash
-- ARGV[1] offset of the chunk, ARGV[2] its length, ARGV[3] wrapped data key, ARGV[4] KEK version, ARGV[5] ciphertext
-- Returns the bytes received after it, or 'OFFSET:<bytes received>', 'COMPLETE', 'TOO_LARGE', 'GONE' or 'ERASED'.
if redis.call('HEXISTS', KEYS[4], 'erasedAt') == 1 then
  return 'ERASED'
end
local received = redis.call('HGET', KEYS[1], 'received')
if not received then
  return 'GONE'
end
if redis.call('HGET', KEYS[1], 'complete') == 'true' then
  return 'COMPLETE'
end
if received ~= ARGV[1] then
  return 'OFFSET:' .. received
end
local after = tonumber(received) + tonumber(ARGV[2])
if after > tonumber(redis.call('HGET', KEYS[1], 'declared')) then
  return 'TOO_LARGE'
end
redis.call('HSET', KEYS[2], 'dk', ARGV[3], 'kv', ARGV[4], 'ct', ARGV[5])
redis.call('SADD', KEYS[3], KEYS[2])
local chunks = redis.call('HGET', KEYS[1], 'chunks')
redis.call('HSET', KEYS[1], 'received', tostring(after), 'chunks', (chunks == '' and '' or chunks .. ',') .. ARGV[1])
return after
