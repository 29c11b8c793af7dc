-- Uses a guest's single-use link. Returns {'FIRST' or 'AGAIN', field, value, ...}: the first call stamps usedAt,
-- later ones find it; {} for an unknown or expired ticket. ARGV: prefix, ticket, now (ms)
local k = P .. 'guest:' .. ARGV[2]
if redis.call('EXISTS', k) == 0 then return {} end
local state = 'AGAIN'
if redis.call('HSETNX', k, 'usedAt', ARGV[3]) == 1 then state = 'FIRST' end
local out = {state}
for _, v in ipairs(redis.call('HGETALL', k)) do out[#out + 1] = v end
return out
