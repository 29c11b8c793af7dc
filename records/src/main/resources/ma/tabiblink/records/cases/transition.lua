-- Moves a case from one status to the next in one atomic step: checks its status (and who claimed it), that the
-- patient was not erased and, when asked, that no attachment is still uploading; writes its fields; keeps the
-- specialty's inbox, the open cases by due time and the claimer's list in step; and stores the message that goes
-- with the move, numbered after the case's last one.
-- KEYS[1] case hash, KEYS[2] patient hash, KEYS[3] specialty inbox, KEYS[4] open cases by due time,
-- KEYS[5] case's uploads in progress, KEYS[6] a specialist's claimed cases, KEYS[7] message hash (or the case hash)
-- ARGV[1] statuses the case may be in (space separated), ARGV[2] who must have claimed it ('' for anyone),
-- ARGV[3] 'uploads-done' or 'any', ARGV[4] inbox change, ARGV[5] open-cases change, ARGV[6] claimed-list change
-- (each 'add:<score>', 'remove' or 'keep'), ARGV[7] number of case fields n, ARGV[8 .. 7+2n] field/value pairs
-- (an empty value deletes the field), then, when a message goes with the move: the number it must get, the KEK
-- users set of its data key, and its field/value pairs.
-- Returns 'OK', 'STATE:<status>', 'NOT_YOURS', 'UPLOADING', 'MESSAGE_RACE', 'GONE' or 'ERASED'.
if redis.call('HEXISTS', KEYS[2], 'erasedAt') == 1 or redis.call('HEXISTS', KEYS[1], 'erasedAt') == 1 then
  return 'ERASED'
end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'GONE'
end
local allowed = false
for s in string.gmatch(ARGV[1], '%S+') do
  if s == status then
    allowed = true
  end
end
if not allowed then
  return 'STATE:' .. status
end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'claimedBy') ~= ARGV[2] then
  return 'NOT_YOURS'
end
if ARGV[3] == 'uploads-done' and redis.call('SCARD', KEYS[5]) > 0 then
  return 'UPLOADING'
end
local n = tonumber(ARGV[7])
local first_message_arg = 8 + 2 * n
if #ARGV >= first_message_arg then
  local count = tonumber(redis.call('HGET', KEYS[1], 'messages') or '0')
  if count + 1 ~= tonumber(ARGV[first_message_arg]) then
    return 'MESSAGE_RACE'
  end
  local fields = {}
  for i = first_message_arg + 2, #ARGV do
    fields[#fields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[7], unpack(fields))
  redis.call('SADD', ARGV[first_message_arg + 1], KEYS[7])
  redis.call('HSET', KEYS[1], 'messages', tostring(count + 1))
end
for i = 8, 7 + 2 * n, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[1], ARGV[i])
  else
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
local function apply(change, key, member)
  if change == 'remove' then
    redis.call('ZREM', key, member)
  elseif string.sub(change, 1, 4) == 'add:' then
    redis.call('ZADD', key, string.sub(change, 5), member)
  end
end
local id = redis.call('HGET', KEYS[1], 'id')
apply(ARGV[4], KEYS[3], id)
apply(ARGV[5], KEYS[4], id)
apply(ARGV[6], KEYS[6], id)
return 'OK'
