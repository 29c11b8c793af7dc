-- Creates the note of a consultation with its first (draft) version, once per consultation.
-- KEYS[1] consultation -> note index, KEYS[2] note hash, KEYS[3] version 1 hash, KEYS[4] patient's notes,
-- KEYS[5] KEK users set, KEYS[6] patient hash
-- ARGV[1] note id, ARGV[2] number of note-hash field/value arguments that follow, then those, then the version's
-- Returns 'OK', 'EXISTS:<note id>' or 'ERASED' (the patient's record was erased).
if redis.call('HEXISTS', KEYS[6], 'erasedAt') == 1 then
  return 'ERASED'
end
local existing = redis.call('GET', KEYS[1])
if existing then
  return 'EXISTS:' .. existing
end
local n = tonumber(ARGV[2])
local note = {}
for i = 3, 2 + n do
  note[#note + 1] = ARGV[i]
end
local version = {}
for i = 3 + n, #ARGV do
  version[#version + 1] = ARGV[i]
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], unpack(note))
redis.call('HSET', KEYS[3], unpack(version))
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('SADD', KEYS[5], KEYS[3])
return 'OK'
