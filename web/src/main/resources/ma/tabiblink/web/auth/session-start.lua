-- Starts a sign-in session with its first refresh token.
-- KEYS[1] session key, KEYS[2] the user's sign-in set, KEYS[3] the refresh token's key
-- ARGV: prefix, user, session id, now (ms), idle timeout (ms), longest session (ms)
local prefix, user, sid = ARGV[1], ARGV[2], ARGV[3]
local now, idle, longest = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local refresh_hash = string.sub(KEYS[3], string.len(prefix .. 'refresh:') + 1)
-- sessions that ended by themselves (idle, limit) leave their id behind in the set
for _, old in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', prefix .. 'session:' .. old) == 0 then
    redis.call('SREM', KEYS[2], old)
  end
end
redis.call('HSET', KEYS[1], 'user', user, 'started', now, 'ends', now + longest, 'refresh', refresh_hash)
redis.call('PEXPIRE', KEYS[1], math.min(idle, longest))
redis.call('SET', KEYS[3], sid, 'PX', longest)
redis.call('SADD', KEYS[2], sid)
redis.call('PEXPIRE', KEYS[2], longest)
return math.min(idle, longest)
