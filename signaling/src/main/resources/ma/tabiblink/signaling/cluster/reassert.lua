-- Puts back the presence of a specialist who still has a live session on this node but whose presence hash is gone.
-- ARGV: prefix, node, user, name, specialtiesCsv, status set through this node ('' when unknown), now, presenceTtlMs
-- The call and ringing fields are rebuilt from the call records, so a specialist in a call comes back busy. A status
-- this node does not know is guessed 'away' and marked so that a node that knows it may correct it.
-- Returns: OK, effective status; KEPT when the presence is there and this node has nothing to correct; GONE when
-- the user has no live session on this node any more (they are leaving: never bring them back).
local node, u, name, specs, status = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local now, ttl = tonumber(ARGV[7]), tonumber(ARGV[8])
local here = false
for _, sid in ipairs(redis.call('SMEMBERS', userSessKey(u))) do
  local h = redis.call('HMGET', sessKey(sid), 'state', 'node')
  if h[1] == 'live' and h[2] == node then here = true end
end
if not here then return {'GONE'} end
local pk = presKey(u)
if redis.call('EXISTS', pk) == 1 then
  if status == '' or redis.call('HGET', pk, 'guessed') ~= '1' then return {'KEPT'} end
  redis.call('HSET', pk, 'status', status)
  redis.call('HDEL', pk, 'guessed')
  reavail(u, now)
  return {'OK', effectiveStatus(u)}
end
local call, ringing = '', ''
for _, sid in ipairs(redis.call('SMEMBERS', userSessKey(u))) do
  for _, cid in ipairs(redis.call('SMEMBERS', sessKey(sid) .. ':calls')) do
    local c = redis.call('HMGET', callKey(cid), 'state', 'specialist')
    if c[1] and c[1] ~= 'ended' and c[2] == u then call = cid end
  end
end
for _, cid in ipairs(redis.call('ZRANGE', P .. 'ringing', 0, -1)) do
  if redis.call('HGET', callKey(cid), 'ringing') == u then ringing = cid end
end
redis.call('HSET', pk, 'status', status == '' and 'away' or status, 'call', call, 'ringing', ringing,
  'name', name, 'specialties', specs, 'conn', '1')
if status == '' then redis.call('HSET', pk, 'guessed', '1') end
redis.call('PEXPIRE', pk, ttl)
markOnline(u)
for s in string.gmatch(specs, '[^,]+') do
  redis.call('SADD', P .. 'roster:' .. s, u)
  redis.call('SADD', P .. 'specialties', s)
end
reavail(u, now)
return {'OK', effectiveStatus(u)}
