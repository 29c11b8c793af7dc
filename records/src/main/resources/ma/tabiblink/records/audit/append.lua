-- Appends entries to the hash-chained audit stream, only if the chain head is still the one the caller chained to.
-- KEYS[1] audit stream, KEYS[2] head hash (fields: hash, seq, id, mac)
-- ARGV[1] expected head hash ('' before the first entry), ARGV[2] expected head seq ('0' before the first entry)
-- ARGV[3] hash of the last new entry, ARGV[4] its seq, ARGV[5] MAC of the new head (that seq and hash),
-- ARGV[6] number of entries, then for each entry: the number of its field/value strings, then those strings
-- Returns {1, streamId...} (one per entry, in order) when appended, {0, currentHash, currentSeq} when another writer
-- got there first.
local head = redis.call('HMGET', KEYS[2], 'hash', 'seq')
local hash = head[1] or ''
local seq = head[2] or '0'
if hash ~= ARGV[1] or seq ~= ARGV[2] then
  return {0, hash, seq}
end
local out = {1}
local i = 7
for _ = 1, tonumber(ARGV[6]) do
  local count = tonumber(ARGV[i])
  local fields = {}
  for k = i + 1, i + count do
    fields[#fields + 1] = ARGV[k]
  end
  i = i + count + 1
  out[#out + 1] = redis.call('XADD', KEYS[1], '*', unpack(fields))
end
redis.call('HSET', KEYS[2], 'hash', ARGV[3], 'seq', ARGV[4], 'id', out[#out], 'mac', ARGV[5])
return out
