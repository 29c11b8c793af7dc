-- Legal erasure of a case: every sealed part (question and vitals, attachments, their chunks, messages) is deleted
-- with its data key, the case leaves every list, and a tombstone is left so that its id in the audit log still
-- names something and every later access is refused.
-- KEYS[1] case hash, KEYS[2] specialty inbox, KEYS[3] open cases by due time, KEYS[4] claimer's cases,
-- KEYS[5] dispensary's cases, KEYS[6..] the case's other hashes (attachments, chunks, messages) and sets
-- ARGV[1] case id, ARGV[2] KEK users key prefix, ARGV[3] time of erasure
-- Returns the number of data keys destroyed.
local destroyed = 0
local function forget(key)
  local kv = redis.call('HGET', key, 'kv')
  if kv then
    redis.call('SREM', ARGV[2] .. kv .. ':users', key)
  end
  if redis.call('HEXISTS', key, 'dk') == 1 then
    destroyed = destroyed + 1
  end
end
for i = 6, #KEYS do
  if redis.call('TYPE', KEYS[i]).ok == 'hash' then
    forget(KEYS[i])
  end
  redis.call('DEL', KEYS[i])
end
forget(KEYS[1])
local patient = redis.call('HGET', KEYS[1], 'patient') or ''
local disp = redis.call('HGET', KEYS[1], 'disp') or ''
local erasedAt = redis.call('HGET', KEYS[1], 'erasedAt') or ARGV[3]
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'patient', patient, 'disp', disp, 'erasedAt', erasedAt)
for i = 2, 5 do
  redis.call('ZREM', KEYS[i], ARGV[1])
end
return destroyed
