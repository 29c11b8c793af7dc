-- Rings idle specialists for the waiting calls of one specialty and tells waiting calls their position (queue.lua).
-- ARGV: prefix, specialty, now, ringTimeoutMs, typicalCallMs, head, inTurn
return dispatchQueue(ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]),
  tonumber(ARGV[7]))
