-- Ends every sign-in session of a user (account disabled or changed); returns the ids of those that were going.
-- KEYS[1] the user's sign-in set; ARGV: prefix
local ended = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('DEL', ARGV[1] .. 'session:' .. sid) == 1 then
    table.insert(ended, sid)
  end
end
redis.call('DEL', KEYS[1])
return ended
