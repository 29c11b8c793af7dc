-- Writes a note version: replaces the pending draft, or appends a new version after a signed one.
-- KEYS[1] note hash, KEYS[2] version hash, KEYS[3] KEK users set of the new data key, KEYS[4] patient hash
-- ARGV[1] latest version the caller saw, ARGV[2] 'replace' or 'append', ARGV[3] KEK users key prefix,
-- ARGV[4..] field/value pairs of the version
-- Returns 'OK', 'CONFLICT' (someone wrote meanwhile), 'NOT_DRAFT' / 'DRAFT_PENDING' or 'ERASED'.
if redis.call('HEXISTS', KEYS[4], 'erasedAt') == 1 then
  return 'ERASED'
end
local latest = redis.call('HGET', KEYS[1], 'latest')
if latest ~= ARGV[1] then
  return 'CONFLICT'
end
local status = redis.call('HGET', KEYS[2], 'status')
if ARGV[2] == 'replace' then
  if status ~= 'DRAFT' then
    return 'NOT_DRAFT'
  end
  local kv = redis.call('HGET', KEYS[2], 'kv')
  if kv then
    redis.call('SREM', ARGV[3] .. kv .. ':users', KEYS[2])
  end
  redis.call('DEL', KEYS[2])
else
  if status then
    return 'CONFLICT'
  end
  redis.call('HSET', KEYS[1], 'latest', tonumber(ARGV[1]) + 1)
end
local fields = {}
for i = 4, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('SADD', KEYS[3], KEYS[2])
return 'OK'
