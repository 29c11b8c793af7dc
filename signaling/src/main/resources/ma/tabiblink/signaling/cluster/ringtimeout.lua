-- Rings that ran out: the call goes back to queued. ARGV: prefix, now. Returns (cid, specialist, specialty)...
local now = tonumber(ARGV[2])
local out = {}
for _, cid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'ringing', '-inf', now)) do
  if redis.call('ZREM', P .. 'ringing', cid) == 1 then
    local ck = callKey(cid)
    local c = redis.call('HMGET', ck, 'state', 'ringing', 'specialty')
    if c[1] == 'ringing' and (c[2] or '') ~= '' then
      redis.call('SADD', ck .. ':declined', c[2])
      redis.call('HSET', ck, 'state', 'queued', 'ringing', '')
      requeue(cid, c[3])
      releaseRinging(cid, c[2], now)
      out[#out + 1] = cid
      out[#out + 1] = c[2]
      out[#out + 1] = c[3]
    end
  end
end
return out
