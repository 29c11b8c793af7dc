-- Ends one sign-in session; returns its user, or false when it had already ended.
-- KEYS[1] session key; ARGV: prefix, session id
local user = redis.call('HGET', KEYS[1], 'user')
if not user then
  return false
end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[1] .. 'signins:' .. user, ARGV[2])
return user
