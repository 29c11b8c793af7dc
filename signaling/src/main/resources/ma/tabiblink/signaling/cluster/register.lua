-- ARGV: prefix, sid, user, node, secretHash, maxConnections, role, name, specialtiesCsv, presenceTtlMs
local sid, u, node, secret = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local maxConn, role, name, specs, ttl = tonumber(ARGV[6]), ARGV[7], ARGV[8], ARGV[9], tonumber(ARGV[10])
for _, other in ipairs(redis.call('SMEMBERS', userSessKey(u))) do
  if redis.call('EXISTS', sessKey(other)) == 0 then redis.call('SREM', userSessKey(u), other) end
end
if redis.call('SCARD', userSessKey(u)) >= maxConn then return {'TOO_MANY_CONNECTIONS'} end
redis.call('HSET', sessKey(sid), 'user', u, 'node', node, 'state', 'live', 'secret', secret, 'seq', '0', 'role', role)
redis.call('SADD', userSessKey(u), sid)
redis.call('SADD', P .. 'node:' .. node .. ':sessions', sid)
if role == 'SPECIALIST' then
  local pk = presKey(u)
  if redis.call('EXISTS', pk) == 0 then
    redis.call('HSET', pk, 'status', 'away', 'call', '', 'ringing', '')
  end
  redis.call('HSET', pk, 'name', name, 'specialties', specs, 'conn', '1')
  redis.call('PEXPIRE', pk, ttl)
  markOnline(u)
  for s in string.gmatch(specs, '[^,]+') do
    redis.call('SADD', P .. 'roster:' .. s, u)
    redis.call('SADD', P .. 'specialties', s)
  end
end
return {'OK', role == 'SPECIALIST' and effectiveStatus(u) or ''}
