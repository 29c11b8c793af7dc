-- A sign-in session that is still going: {user, ms it has left (idle or absolute limit, whichever comes first)}.
-- KEYS[1] session key
local user = redis.call('HGET', KEYS[1], 'user')
if not user then
  return false
end
return {user, redis.call('PTTL', KEYS[1])}
