-- Counts one emergency-access attempt of a user, unless they already made the most allowed within the window.
-- KEYS[1] the user's recent attempts (sorted set scored by time in ms)
-- ARGV[1] now (ms), ARGV[2] window (ms), ARGV[3] most attempts allowed in the window, ARGV[4] attempt id
-- Returns 1 when the attempt is allowed (and counted), 0 when it is refused.
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 1
