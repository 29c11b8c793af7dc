-- Stores a specialist's signing key unless one exists already (two first signatures racing keep the first key).
-- KEYS[1] signer hash, KEYS[2] KEK users set; ARGV field/value pairs. Returns 1 when stored, 0 when one existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV))
redis.call('SADD', KEYS[2], KEYS[1])
return 1
