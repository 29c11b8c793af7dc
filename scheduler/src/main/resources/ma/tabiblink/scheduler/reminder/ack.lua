-- Records the outcome of a claimed reminder.
-- KEYS[1] processing set, KEYS[2] the reminder's done marker, KEYS[3] failed set.
-- ARGV[1] member, ARGV[2] outcome, ARGV[3] done-marker retention s, ARGV[4] now ms.
-- Returns 0 when the reminder was no longer claimed (withdrawn by a cancellation or a reschedule meanwhile).
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
if ARGV[2] == 'failed' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1]) end
return 1
