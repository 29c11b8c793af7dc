-- Replaces one wrapped data key by its re-wrapped form, only if nobody changed it meanwhile, and moves the record
-- from the old KEK version's users to the new one's. The ciphertext next to it is not touched.
-- KEYS[1] record hash, KEYS[2] old version users set, KEYS[3] new version users set
-- ARGV[1] wrapped key read, ARGV[2] re-wrapped key, ARGV[3] new KEK version
-- Returns 1 when re-wrapped, 0 when the record no longer holds that key (it was rewritten or shredded).
if redis.call('HGET', KEYS[1], 'dk') ~= ARGV[1] then
  redis.call('SREM', KEYS[2], KEYS[1])
  return 0
end
redis.call('HSET', KEYS[1], 'dk', ARGV[2], 'kv', ARGV[3])
redis.call('SREM', KEYS[2], KEYS[1])
redis.call('SADD', KEYS[3], KEYS[1])
return 1
