-- Forgets one session now (its client left). ARGV: prefix, sid. Returns the user then its call ids.
local u, calls = forget(ARGV[2])
local out = {u}
for _, c in ipairs(calls) do out[#out + 1] = c end
return out
