-- Forgets sessions whose resume window has passed. ARGV: prefix, now, limit.
-- Returns, per session: sid, user, number of calls, call ids...
local now, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for _, sid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'parked', '-inf', now, 'LIMIT', 0, limit)) do
  if redis.call('ZREM', P .. 'parked', sid) == 1 then
    local u, calls = forget(sid)
    out[#out + 1] = sid
    out[#out + 1] = u
    out[#out + 1] = tostring(#calls)
    for _, c in ipairs(calls) do out[#out + 1] = c end
  end
end
return out
