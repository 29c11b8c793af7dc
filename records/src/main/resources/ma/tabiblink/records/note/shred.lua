-- Crypto-shredding of one note version: destroys its wrapped data key, leaving an unreadable ciphertext.
-- KEYS[1] version hash; ARGV[1] KEK users key prefix, ARGV[2] time of shredding
-- Returns 1 when a data key was destroyed, 0 when there was none.
local kv = redis.call('HGET', KEYS[1], 'kv')
if kv then
  redis.call('SREM', ARGV[1] .. kv .. ':users', KEYS[1])
end
local removed = redis.call('HDEL', KEYS[1], 'dk', 'kv')
redis.call('HSET', KEYS[1], 'shreddedAt', ARGV[2])
if removed > 0 then
  return 1
end
return 0
