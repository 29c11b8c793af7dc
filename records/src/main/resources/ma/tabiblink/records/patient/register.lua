-- Registers a patient atomically, once per idempotency key: claims the identifier indexes (refusing duplicates),
-- refuses a likely duplicate (same name and birth year in the dispensary) unless confirmed distinct, writes the
-- record, adds it to its dispensary, its name index and the users of its key-encryption-key version.
-- KEYS[1] patient hash, KEYS[2] dispensary sorted set, KEYS[3] KEK users set,
-- KEYS[4] national ID index or '', KEYS[5] insurance number index or '', KEYS[6] idempotency key or '',
-- KEYS[7] the dispensary's name index entry
-- ARGV[1] patient id, ARGV[2] registration time (epoch ms), ARGV[3] request fingerprint, ARGV[4] idempotency
-- lifetime (s), ARGV[5] '1' when the nurse confirmed a different person with the same name, ARGV[6..] field/value
-- pairs of the patient hash
-- Returns 'OK', 'SAME:<id>' (the key already registered this request), 'OTHER' (the key was used for another
-- request), 'DUP:NATIONAL_ID:<id>' / 'DUP:INSURANCE_NUMBER:<id>', or 'NAME:<id>,<id>...' (likely duplicates).
if KEYS[6] ~= '' then
  local seen = redis.call('GET', KEYS[6])
  if seen then
    local id, fingerprint = string.match(seen, '^([^|]+)|(.*)$')
    if fingerprint == ARGV[3] then
      return 'SAME:' .. id
    end
    return 'OTHER'
  end
end
if KEYS[4] ~= '' then
  local holder = redis.call('GET', KEYS[4])
  if holder then
    return 'DUP:NATIONAL_ID:' .. holder
  end
end
if KEYS[5] ~= '' then
  local holder = redis.call('GET', KEYS[5])
  if holder then
    return 'DUP:INSURANCE_NUMBER:' .. holder
  end
end
if ARGV[5] ~= '1' then
  -- The candidates' records share KEYS[1]'s prefix; erased ones are no longer anyone's duplicate.
  local live = {}
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[7])) do
    local key = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1]) .. id
    if redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'erasedAt') == 0 then
      live[#live + 1] = id
    end
  end
  if #live > 0 then
    return 'NAME:' .. table.concat(live, ',')
  end
end
if KEYS[4] ~= '' then
  redis.call('SET', KEYS[4], ARGV[1])
end
if KEYS[5] ~= '' then
  redis.call('SET', KEYS[5], ARGV[1])
end
if KEYS[6] ~= '' then
  redis.call('SET', KEYS[6], ARGV[1] .. '|' .. ARGV[3], 'EX', ARGV[4])
end
local fields = {}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[7], ARGV[1])
redis.call('SADD', KEYS[3], KEYS[1])
return 'OK'
