-- Deletes an attachment whose content was refused, so that the nurse can send another in its place.
-- KEYS[1] attachment hash, KEYS[2] case's attachments, KEYS[3] case's uploads in progress, KEYS[4] case hash,
-- KEYS[5] the idempotency key that began it (a retry begins a new upload), KEYS[6..] chunk hashes
-- ARGV[1] attachment id, ARGV[2] kind, ARGV[3] KEK users key prefix
-- Returns 1 when deleted, 0 when it was already gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for i = 6, #KEYS do
  local kv = redis.call('HGET', KEYS[i], 'kv')
  if kv then
    redis.call('SREM', ARGV[3] .. kv .. ':users', KEYS[i])
  end
  redis.call('DEL', KEYS[i])
end
redis.call('DEL', KEYS[1], KEYS[5])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('HINCRBY', KEYS[4], 'n.' .. ARGV[2], -1)
return 1
