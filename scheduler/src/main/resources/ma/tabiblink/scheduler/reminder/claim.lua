-- Claims due reminders for one dispatcher.
-- KEYS[1] due queue, KEYS[2] processing set. ARGV[1] key prefix, ARGV[2] now ms, ARGV[3] lease ms, ARGV[4] batch.
-- Members are "apptId|offsetMinutes|startMs|version"; due time = startMs - offset.
local now = tonumber(ARGV[2])
local function parse(m)
  local id, off, startMs = string.match(m, '^([^|]+)|(%d+)|(%d+)|%d+$')
  return id, tonumber(off), startMs
end
-- A lease that ran out means its dispatcher died mid-delivery: the reminder goes back to the queue.
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('ZREM', KEYS[2], m)
  local _, off, startMs = parse(m)
  redis.call('ZADD', KEYS[1], tonumber(startMs) - off * 60000, m)
end
local claimed = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))) do
  redis.call('ZREM', KEYS[1], m)
  local id, _, startMs = parse(m)
  local state = redis.call('HMGET', ARGV[1] .. 'appt:' .. id, 'status', 'start')
  -- Only reminders of a still-booked appointment at the same time, not handled before, go out.
  if state[1] == 'booked' and state[2] == startMs and redis.call('EXISTS', ARGV[1] .. 'rem:done:' .. m) == 0 then
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), m)
    claimed[#claimed + 1] = m
  end
end
return claimed
