-- Appends one entry to the hash-chained audit stream, only if the chain head is still the one the caller chained to.
-- KEYS[1] audit stream, KEYS[2] head hash (fields: hash, seq, id, mac)
-- ARGV[1] expected head hash ('' before the first entry), ARGV[2] expected head seq ('0' before the first entry)
-- ARGV[3] new entry hash, ARGV[4] new entry seq, ARGV[5] MAC of the new head (seq and hash),
-- ARGV[6..] the entry's field/value pairs
-- Returns {1, streamId} when appended, {0, currentHash, currentSeq} when another writer got there first.
local head = redis.call('HMGET', KEYS[2], 'hash', 'seq')
local hash = head[1] or ''
local seq = head[2] or '0'
if hash ~= ARGV[1] or seq ~= ARGV[2] then
  return {0, hash, seq}
end
local fields = {}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
local id = redis.call('XADD', KEYS[1], '*', unpack(fields))
redis.call('HSET', KEYS[2], 'hash', ARGV[3], 'seq', ARGV[4], 'id', id, 'mac', ARGV[5])
return {1, id}
