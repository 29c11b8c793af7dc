-- Gives a specialist a new calendar feed secret, revoking the one they had (if any), in one step.
-- KEYS[1] tl:feed:of:<specialistId>   ARGV[1] key prefix of secrets (tl:feed:secret:)   ARGV[2] new secret's hash
-- ARGV[3] specialistId   ARGV[4] creation time (ISO-8601)
-- The secret key is derived from ARGV, so this assumes a single Redis (or Sentinel), not Redis Cluster.
local old = redis.call('HGET', KEYS[1], 'hash')
if old then
  redis.call('DEL', ARGV[1] .. old)
end
redis.call('SET', ARGV[1] .. ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'createdAt', ARGV[4])
return 1
