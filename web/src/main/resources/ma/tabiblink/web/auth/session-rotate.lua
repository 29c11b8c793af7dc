-- Exchanges a refresh token for the next one of its session (single use). A token that was already exchanged ends
-- its whole session: whoever replays it, thief or owner, has lost it (OAuth 2.0 security BCP).
-- KEYS[1] the presented token's key, KEYS[2] the next token's key
-- ARGV: prefix, now (ms), idle timeout (ms)
-- Returns {'OK', user, sid, ms the session has left}, {'REUSED', user, sid}, {'EXPIRED'} or {'UNKNOWN'}.
local prefix, now, idle = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local value = redis.call('GET', KEYS[1])
if not value then
  return {'UNKNOWN'}
end
local used = string.sub(value, 1, 5) == 'used:'
local sid = used and string.sub(value, 6) or value
local session = prefix .. 'session:' .. sid
local fields = redis.call('HMGET', session, 'user', 'ends', 'refresh')
local user, ends, current = fields[1], tonumber(fields[2]), fields[3]
if not user then
  return {'EXPIRED'}
end
local presented = string.sub(KEYS[1], string.len(prefix .. 'refresh:') + 1)
if used or current ~= presented then
  redis.call('DEL', session)
  redis.call('SREM', prefix .. 'signins:' .. user, sid)
  return {'REUSED', user, sid}
end
if now >= ends then
  redis.call('DEL', session)
  redis.call('SREM', prefix .. 'signins:' .. user, sid)
  return {'EXPIRED'}
end
local next_hash = string.sub(KEYS[2], string.len(prefix .. 'refresh:') + 1)
redis.call('SET', KEYS[1], 'used:' .. sid, 'KEEPTTL')
redis.call('SET', KEYS[2], sid, 'PX', ends - now)
redis.call('HSET', session, 'refresh', next_hash)
local left = math.min(idle, ends - now)
redis.call('PEXPIRE', session, left)
return {'OK', user, sid, left}
