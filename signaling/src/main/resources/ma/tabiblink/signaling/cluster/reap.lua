-- Parks every session of nodes whose heartbeat is older than the cutoff.
-- ARGV: prefix, cutoff, deadline, keyTtlMs. Returns {callId, peerSid} pairs of calls whose member was parked.
local cutoff, deadline, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', cutoff)) do
  redis.call('ZREM', P .. 'nodes', node)
  local nk = P .. 'node:' .. node .. ':sessions'
  for _, sid in ipairs(redis.call('SMEMBERS', nk)) do
    if redis.call('HGET', sessKey(sid), 'state') == 'live' then
      redis.call('HSET', sessKey(sid), 'reaped', '1')
      for _, x in ipairs(park(sid, deadline, ttl)) do out[#out + 1] = x end
    end
  end
  redis.call('DEL', nk)
end
return out
