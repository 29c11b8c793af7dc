-- Rings idle specialists for the queued calls of one specialty (longest idle first, never one who already declined
-- that call) and recomputes queue positions.
-- ARGV: prefix, specialty, now, ringTimeoutMs, typicalCallMs
-- Returns: n, (cid, specialist) x n, m, (cid, nurseSid, position, estimateSeconds) x m, k, (cid, nurseSid) x k
local spec, now, ringMs, typical = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local qk, ak = P .. 'queue:' .. spec, P .. 'avail:' .. spec
local idle = {}
for _, u in ipairs(redis.call('ZRANGE', ak, 0, -1)) do
  if eligible(u) then idle[#idle + 1] = u else redis.call('ZREM', ak, u) end
end
local online = 0
for _, u in ipairs(redis.call('SMEMBERS', P .. 'roster:' .. spec)) do
  local conn = redis.call('HGET', presKey(u), 'conn')
  if conn == '1' then online = online + 1 elseif not conn then redis.call('SREM', P .. 'roster:' .. spec, u) end
end
local handle = tonumber(redis.call('HGET', P .. 'stats:' .. spec, 'handleMs') or typical)
local freeCount = #idle
local rung, updates, none = {}, {}, {}
local used = {}
local pos = 0
for _, cid in ipairs(redis.call('ZRANGE', qk, 0, -1)) do
  local ck = callKey(cid)
  local c = redis.call('HMGET', ck, 'state', 'nurseSid', 'position', 'noSpecialistSent')
  if c[1] ~= 'queued' and c[1] ~= 'ringing' then
    redis.call('ZREM', qk, cid)
  else
    pos = pos + 1
    if c[1] == 'queued' then
      local chosen
      for _, u in ipairs(idle) do
        if not used[u] and redis.call('SISMEMBER', ck .. ':declined', u) == 0 then chosen = u break end
      end
      if chosen then
        used[chosen] = true
        redis.call('HSET', ck, 'state', 'ringing', 'ringing', chosen, 'noSpecialistSent', '0')
        redis.call('ZADD', P .. 'ringing', now + ringMs, cid)
        redis.call('HSET', presKey(chosen), 'ringing', cid)
        unavail(chosen)
        rung[#rung + 1] = cid
        rung[#rung + 1] = chosen
      elseif c[4] ~= '1' then
        redis.call('HSET', ck, 'noSpecialistSent', '1')
        none[#none + 1] = cid
        none[#none + 1] = c[2]
      end
    end
    if tonumber(c[3] or '0') ~= pos then
      redis.call('HSET', ck, 'position', pos)
      local est = 0
      if pos > freeCount then
        est = math.ceil((pos - freeCount) * handle / math.max(1, online) / 1000)
      end
      updates[#updates + 1] = cid
      updates[#updates + 1] = c[2]
      updates[#updates + 1] = tostring(pos)
      updates[#updates + 1] = tostring(est)
    end
  end
end
local out = {tostring(#rung / 2)}
for _, x in ipairs(rung) do out[#out + 1] = x end
out[#out + 1] = tostring(#updates / 4)
for _, x in ipairs(updates) do out[#out + 1] = x end
out[#out + 1] = tostring(#none / 2)
for _, x in ipairs(none) do out[#out + 1] = x end
return out
