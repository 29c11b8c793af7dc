-- Lets one sign-in attempt through, or says how long to wait. Three counters: this account from this client address,
-- this account from anywhere, this address for any account. Each counts attempts that were not successful; once one
-- reaches its free allowance, every further attempt must wait a delay that doubles each time (base, 2 x base, ...,
-- at most the longest delay). The attempt is counted before the password is checked, so a burst of parallel attempts
-- gets no more checks than the allowance.
-- KEYS[1] account+address, KEYS[2] account, KEYS[3] address
-- ARGV: now (ms), forget after (ms), base delay (ms), longest delay (ms), free per account+address, per account,
--       per address
-- Returns 0 (go ahead) or the ms to wait.
local now, forget, base, longest = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local free = {tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])}
local wait = 0
for i = 1, 3 do
  local f = redis.call('HMGET', KEYS[i], 'n', 'next')
  local n, next_at = tonumber(f[1]) or 0, tonumber(f[2]) or 0
  if n >= free[i] and now < next_at then
    wait = math.max(wait, next_at - now)
  end
end
if wait > 0 then
  return wait
end
for i = 1, 3 do
  local n = redis.call('HINCRBY', KEYS[i], 'n', 1)
  if n >= free[i] then
    redis.call('HSET', KEYS[i], 'next', math.floor(now + math.min(longest, base * 2 ^ math.min(n - free[i], 40))))
  end
  redis.call('PEXPIRE', KEYS[i], forget)
end
return 0
