-- ARGV: prefix, node, now, presenceTtlMs, users with a live session on this node...
local node, now, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZADD', P .. 'nodes', now, node)
for i = 5, #ARGV do
  if redis.call('EXISTS', presKey(ARGV[i])) == 1 then redis.call('PEXPIRE', presKey(ARGV[i]), ttl) end
end
return 'OK'
