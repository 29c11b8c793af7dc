-- Shared prelude, prepended to every script of this package. ARGV[1] is the key prefix (tl:sig:); the key layout
-- is the one built by RedisKeys and documented in signaling/README.md.
local P = ARGV[1]
local function sessKey(sid) return P .. 'sess:' .. sid end
local function callKey(cid) return P .. 'call:' .. cid end
local function presKey(u) return P .. 'presence:' .. u end
local function userSessKey(u) return P .. 'user:' .. u .. ':sessions' end

local function specsOf(u)
  local s = redis.call('HGET', presKey(u), 'specialties')
  local t = {}
  if s then for x in string.gmatch(s, '[^,]+') do t[#t + 1] = x end end
  return t
end

local function redisNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Keeps a specialist in the online sets of their specialties (member -> when their presence expires, Redis's clock)
-- while connected, so that a dispatch counts the connected specialists of a specialty without reading them all. Called
-- after every change of a presence's connection or lifetime.
local function markOnline(u)
  local pk = presKey(u)
  local h = redis.call('HMGET', pk, 'conn', 'specialties')
  local ttl = redis.call('PTTL', pk)
  local expires = '+inf'
  if ttl >= 0 then expires = redisNowMs() + ttl end
  for s in string.gmatch(h[2] or '', '[^,]+') do
    if h[1] == '1' and ttl ~= -2 then
      redis.call('ZADD', P .. 'online:' .. s, expires, u)
    else
      redis.call('ZREM', P .. 'online:' .. s, u)
    end
  end
end

-- How many specialists of a specialty are connected (those whose presence ran out are forgotten here).
local function onlineCount(spec)
  local ok = P .. 'online:' .. spec
  redis.call('ZREMRANGEBYSCORE', ok, '-inf', '(' .. redisNowMs())
  return redis.call('ZCARD', ok)
end

local function unavail(u)
  for _, s in ipairs(specsOf(u)) do redis.call('ZREM', P .. 'avail:' .. s, u) end
end

local function eligible(u)
  local h = redis.call('HMGET', presKey(u), 'status', 'call', 'ringing', 'conn')
  return h[1] == 'available' and (h[2] or '') == '' and (h[3] or '') == '' and h[4] == '1'
end

-- Puts an idle specialist back in the availability sets (keeping an earlier idle-since time), or takes them out.
local function reavail(u, now)
  if eligible(u) then
    for _, s in ipairs(specsOf(u)) do redis.call('ZADD', P .. 'avail:' .. s, 'NX', now, u) end
  else
    unavail(u)
  end
end

local function effectiveStatus(u)
  local h = redis.call('HMGET', presKey(u), 'status', 'call', 'conn')
  if not h[1] then return 'offline' end
  if h[3] ~= '1' then return 'offline' end
  if (h[2] or '') ~= '' then return 'busy' end
  return h[1]
end

local function liveSessions(u)
  local n = 0
  for _, sid in ipairs(redis.call('SMEMBERS', userSessKey(u))) do
    local st = redis.call('HGET', sessKey(sid), 'state')
    if st == 'live' then n = n + 1 elseif not st then redis.call('SREM', userSessKey(u), sid) end
  end
  return n
end

-- Marks a session parked (waiting for resume) and returns {callId, peerSessionId} pairs of its active calls.
local function park(sid, deadline, ttl)
  local sk = sessKey(sid)
  local u = redis.call('HGET', sk, 'user')
  local node = redis.call('HGET', sk, 'node')
  redis.call('HSET', sk, 'state', 'parked', 'deadline', deadline)
  redis.call('ZADD', P .. 'parked', deadline, sid)
  if node then redis.call('SREM', P .. 'node:' .. node .. ':sessions', sid) end
  if u and liveSessions(u) == 0 and redis.call('EXISTS', presKey(u)) == 1 then
    redis.call('HSET', presKey(u), 'conn', '0')
    unavail(u)
    redis.call('PEXPIRE', presKey(u), ttl)
    markOnline(u)
  end
  local out = {}
  for _, cid in ipairs(redis.call('SMEMBERS', sk .. ':calls')) do
    local c = redis.call('HMGET', callKey(cid), 'state', 'nurseSid', 'specialistSid')
    if c[1] == 'active' then
      local peer = c[2] == sid and c[3] or c[2]
      out[#out + 1] = cid
      out[#out + 1] = peer or ''
    end
  end
  return out
end

-- Deletes a session for good; returns its user, the ids of the calls it was part of, and '1' when that was the
-- user's last session.
local function forget(sid)
  local sk = sessKey(sid)
  local u = redis.call('HGET', sk, 'user')
  local node = redis.call('HGET', sk, 'node')
  local calls = redis.call('SMEMBERS', sk .. ':calls')
  redis.call('DEL', sk, sk .. ':outbox', sk .. ':calls')
  redis.call('ZREM', P .. 'parked', sid)
  if node then redis.call('SREM', P .. 'node:' .. node .. ':sessions', sid) end
  local last = '0'
  if u then
    redis.call('SREM', userSessKey(u), sid)
    if redis.call('SCARD', userSessKey(u)) == 0 then
      last = '1'
      unavail(u)
      for _, s in ipairs(specsOf(u)) do
        redis.call('ZREM', P .. 'online:' .. s, u)
        redis.call('SREM', P .. 'roster:' .. s, u)
      end
      redis.call('DEL', presKey(u))
    elseif liveSessions(u) == 0 and redis.call('EXISTS', presKey(u)) == 1 then
      redis.call('HSET', presKey(u), 'conn', '0')
      unavail(u)
      markOnline(u)
    end
  end
  return u or '', calls, last
end

-- Lets a specialist who was rung for a call go back to the availability sets.
local function releaseRinging(cid, u, now)
  if u and u ~= '' and redis.call('EXISTS', presKey(u)) == 1 then
    if redis.call('HGET', presKey(u), 'ringing') == cid then
      redis.call('HSET', presKey(u), 'ringing', '')
    end
    reavail(u, now)
  end
end

-- The urgent-call queue of a specialty is the sorted set queue:{specialty} (every queued or ringing call, by request
-- order) beside: :waiting, its queued calls nobody is being rung for; :fresh, those that joined or came back to it
-- since the last dispatch (each is told once that nobody can be rung); :moved, set when a call left it (the calls
-- behind moved up); :cursor, the request order of the last call beyond the head told its position in turn.
local function queueKey(spec) return P .. 'queue:' .. spec end

-- A call nobody is rung for any more waits again in its place.
local function requeue(cid, spec)
  local qk = queueKey(spec)
  local seq = redis.call('ZSCORE', qk, cid)
  if seq then
    redis.call('ZADD', qk .. ':waiting', seq, cid)
    redis.call('ZADD', qk .. ':fresh', seq, cid)
  end
end

-- A call leaves its specialty's queue (taken or ended).
local function dequeue(cid, spec)
  local qk = queueKey(spec)
  local rank = redis.call('ZRANK', qk, cid)
  if rank then
    redis.call('ZREM', qk, cid)
    if rank < redis.call('ZCARD', qk) then redis.call('SET', qk .. ':moved', '1') end
  end
  redis.call('ZREM', qk .. ':waiting', cid)
  redis.call('ZREM', qk .. ':fresh', cid)
end
