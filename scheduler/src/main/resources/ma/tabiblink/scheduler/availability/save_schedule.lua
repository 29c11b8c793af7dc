-- Replaces a specialist's schedule and its specialty index in one step.
-- KEYS[1] schedule hash, KEYS[2] the schedule's specialty set, KEYS[3] set of all specialists
-- ARGV[1] key prefix, ARGV[2] specialist id, ARGV[3] schedule JSON, ARGV[4] expected version ('' = any),
-- ARGV[5] '1' = only if absent, ARGV[6..] specialty codes
-- Returns the new version, 0 when absent-only found one, -1 when the expected version did not match.
local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[5] == '1' and current then
  return 0
end
if ARGV[4] ~= '' and (current or '0') ~= ARGV[4] then
  return -1
end
for _, code in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('SREM', ARGV[1] .. 'specialty:' .. code .. ':specialists', ARGV[2])
end
redis.call('DEL', KEYS[2])
for i = 6, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
  redis.call('SADD', ARGV[1] .. 'specialty:' .. ARGV[i] .. ':specialists', ARGV[2])
end
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('HSET', KEYS[1], 'json', ARGV[3])
return redis.call('HINCRBY', KEYS[1], 'version', 1)
