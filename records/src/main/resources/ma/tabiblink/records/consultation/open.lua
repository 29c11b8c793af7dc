-- Opens a consultation once per origin (appointment or call) and records the specialist's care relationship.
-- KEYS[1] origin index, KEYS[2] consultation hash, KEYS[3] patient's consultations, KEYS[4] patient's care team,
-- KEYS[5] patient hash
-- ARGV[1] consultation id, ARGV[2] score (epoch ms), ARGV[3] specialist id, ARGV[4..] field/value pairs
-- Returns the id of the consultation: the new one, or the one already opened for this origin; 'ERASED' when the
-- patient's record was erased.
if redis.call('HEXISTS', KEYS[5], 'erasedAt') == 1 then
  return 'ERASED'
end
local existing = redis.call('GET', KEYS[1])
if existing then
  return existing
end
redis.call('SET', KEYS[1], ARGV[1])
local fields = {}
for i = 4, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[3])
return ARGV[1]
