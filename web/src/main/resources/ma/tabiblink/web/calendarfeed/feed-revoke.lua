-- Revokes a specialist's calendar feed secret, if they have one. Answers 1 when one was revoked, 0 otherwise.
-- KEYS[1] tl:feed:of:<specialistId>   ARGV[1] key prefix of secrets (tl:feed:secret:)
local old = redis.call('HGET', KEYS[1], 'hash')
if not old then
  return 0
end
redis.call('DEL', ARGV[1] .. old, KEYS[1])
return 1
