-- A sign-in succeeded: its attempt was no failure. The account+address counter starts again; the other two take back
-- the attempt counted for it (their other failures still stand).
-- KEYS[1] account+address, KEYS[2] account, KEYS[3] address
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('HINCRBY', KEYS[i], 'n', -1) <= 0 then
    redis.call('DEL', KEYS[i])
  end
end
return 1
