-- Begins an attachment's upload once per idempotency key, while the nurse may still add to the case, within the
-- number of attachments its kind allows.
-- KEYS[1] case hash, KEYS[2] patient hash, KEYS[3] case's attachments, KEYS[4] case's uploads in progress,
-- KEYS[5] attachment hash, KEYS[6] attachment idempotency key
-- ARGV[1] attachment id, ARGV[2] kind, ARGV[3] most attachments of that kind, ARGV[4] idempotency lifetime (s),
-- ARGV[5..] field/value pairs
-- Returns 'NEW', 'SAME:<attachment id>', 'STATE:<case status>', 'LIMIT' or 'ERASED'.
if redis.call('HEXISTS', KEYS[2], 'erasedAt') == 1 or redis.call('HEXISTS', KEYS[1], 'erasedAt') == 1 then
  return 'ERASED'
end
local seen = redis.call('GET', KEYS[6])
if seen then
  return 'SAME:' .. seen
end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'DRAFT' and status ~= 'INFO_REQUESTED' then
  return 'STATE:' .. tostring(status)
end
local counter = 'n.' .. ARGV[2]
if tonumber(redis.call('HGET', KEYS[1], counter) or '0') >= tonumber(ARGV[3]) then
  return 'LIMIT'
end
redis.call('HINCRBY', KEYS[1], counter, 1)
redis.call('SET', KEYS[6], ARGV[1], 'EX', ARGV[4])
local fields = {}
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[5], unpack(fields))
redis.call('ZADD', KEYS[3], redis.call('HINCRBY', KEYS[1], 'attachmentsBegun', 1), ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return 'NEW'
