-- Forgets one session now (its client left). ARGV: prefix, sid.
-- Returns the user, '1' if it was the user's last session, then its call ids.
local u, calls, last = forget(ARGV[2])
local out = {u, last}
for _, c in ipairs(calls) do out[#out + 1] = c end
return out
