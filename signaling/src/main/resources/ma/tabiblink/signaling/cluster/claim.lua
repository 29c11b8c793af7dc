-- ARGV: prefix, sid, secretHash, user, node, presenceTtlMs, now
local sid, secret, u, node, ttl, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
-- How long nobody must listen on the owner's channel before its session is taken over, and after how long such a
-- sighting is too old to count (the owner may have come back since).
local ORPHAN_GRACE_MS, ORPHAN_STALE_MS = 1000, 5000
local sk = sessKey(sid)
local h = redis.call('HMGET', sk, 'state', 'secret', 'user', 'node', 'seq', 'reaped', 'orphan')
if not h[1] then return {'RESUME_EXPIRED'} end
if h[2] ~= secret or h[3] ~= u then return {'RESUME_INVALID'} end
local reaped = h[6] or '0'
if h[1] == 'live' then
  -- A node that crashed keeps its sessions live until the others see its heartbeat lapse (nodeTimeout, 15 s).
  -- When nobody has listened on its channel for the grace period it is gone (or cut off from Redis, and so from
  -- its clients' calls): this one session is taken over as the reaper would, instead of after the node timeout.
  if h[4] == node or redis.call('PUBSUB', 'NUMSUB', P .. 'node:' .. h[4])[2] > 0 then
    if h[7] then redis.call('HDEL', sk, 'orphan') end
    return {'LIVE', h[4]}
  end
  local since = tonumber(h[7] or '0')
  if since == 0 or now - since > ORPHAN_STALE_MS then
    redis.call('HSET', sk, 'orphan', now)
    return {'LIVE', h[4]}
  end
  if now - since < ORPHAN_GRACE_MS then return {'LIVE', h[4]} end
  redis.call('SREM', P .. 'node:' .. h[4] .. ':sessions', sid)
  reaped = '1'
end
redis.call('HSET', sk, 'state', 'live', 'node', node, 'reaped', '0')
redis.call('HDEL', sk, 'deadline', 'orphan')
redis.call('ZREM', P .. 'parked', sid)
redis.call('SADD', P .. 'node:' .. node .. ':sessions', sid)
redis.call('SADD', userSessKey(u), sid)
-- A reaped session's counter died with its node (the stored one is stale): the replay is numbered from the
-- client's lastSeq, so the seq reported is 0.
local out = {'OK', reaped == '1' and '0' or (h[5] or '0'), reaped}
for _, e in ipairs(redis.call('LRANGE', sk .. ':outbox', 0, -1)) do out[#out + 1] = e end
redis.call('DEL', sk .. ':outbox')
if redis.call('EXISTS', presKey(u)) == 1 then
  redis.call('HSET', presKey(u), 'conn', '1')
  redis.call('PEXPIRE', presKey(u), ttl)
  markOnline(u)
  reavail(u, now)
end
return out
