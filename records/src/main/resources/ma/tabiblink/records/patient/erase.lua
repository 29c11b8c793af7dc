-- Legal erasure of a patient's identity: the encrypted demographics and their data key are deleted, the identifier
-- index entries that point to the patient are removed, and the record becomes a tombstone (dispensary and time of
-- erasure) that every later write checks. Running it again changes nothing more.
-- KEYS[1] patient hash, KEYS[2] the dispensary's patient list, KEYS[3..] identifier index keys to remove (strings),
-- or the name index entry to leave (a set; not counted)
-- ARGV[1] patient id, ARGV[2] time of erasure, ARGV[3] KEK users key prefix
-- Returns the number of index entries removed, or -1 when there is no such patient.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local removed = 0
for i = 3, #KEYS do
  if redis.call('TYPE', KEYS[i])['ok'] == 'set' then
    redis.call('SREM', KEYS[i], ARGV[1])
  elseif redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    removed = removed + 1
  end
end
local kv = redis.call('HGET', KEYS[1], 'kv')
if kv then
  redis.call('SREM', ARGV[3] .. kv .. ':users', KEYS[1])
end
local disp = redis.call('HGET', KEYS[1], 'disp') or ''
local erasedAt = redis.call('HGET', KEYS[1], 'erasedAt') or ARGV[2]
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'disp', disp, 'erasedAt', erasedAt)
redis.call('ZREM', KEYS[2], ARGV[1])
return removed
