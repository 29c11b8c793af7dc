-- ARGV: prefix, node, now, presenceTtlMs, specialists with a live session on this node...
-- Returns the specialists whose presence is gone (Redis was away longer than its lifetime, or lost recent writes)
-- or holds a guessed status (put back by a node that did not know it), each followed by 'gone' or 'guessed'.
local node, now, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZADD', P .. 'nodes', now, node)
local out = {}
for i = 5, #ARGV do
  local pk = presKey(ARGV[i])
  if redis.call('PEXPIRE', pk, ttl) == 0 then
    out[#out + 1] = ARGV[i]
    out[#out + 1] = 'gone'
  else
    markOnline(ARGV[i])
    if redis.call('HEXISTS', pk, 'guessed') == 1 then
      out[#out + 1] = ARGV[i]
      out[#out + 1] = 'guessed'
    end
  end
end
return out
