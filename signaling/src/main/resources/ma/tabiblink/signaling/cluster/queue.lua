-- The dispatch of a specialty's queue, loaded after common.lua by the scripts that change a queue (dispatch.lua,
-- request.lua, accept.lua), so that a change and the dispatch it calls for take one round trip.

-- Appends to a reply what telling a call's members needs: the call's fields as ClusterState reads a CallRecord (the
-- order of its CALL_FIELDS; false where absent), the specialist's name, then the number of their sessions and the
-- sessions.
local function pushCallAndSpecialist(out, cid, u)
  local fields = redis.call('HMGET', callKey(cid), 'state', 'specialty', 'patientRef', 'reason', 'nurse', 'nurseSid',
    'nurseName', 'nurseDisp', 'nurseProv', 'specialist', 'specialistSid', 'appointmentId', 'requestedAt', 'jitsiRoom')
  for _, v in ipairs(fields) do out[#out + 1] = v end
  out[#out + 1] = redis.call('HGET', presKey(u), 'name')
  local sids = redis.call('SMEMBERS', userSessKey(u))
  out[#out + 1] = tostring(#sids)
  for _, sid in ipairs(sids) do out[#out + 1] = sid end
end

-- Rings idle specialists for the waiting calls of one specialty (in request order, each the longest-idle specialist
-- who has not declined it), tells the calls that (re)joined the queue when nobody can be rung for them, and tells
-- calls their position: those that joined, and after a call left the queue the first `head` calls and `inTurn`
-- others in turn (but those being rung). Its work grows with the calls rung and the positions told, never with the
-- length of the queue or the number of specialists.
-- Returns: n, (cid, specialist, pushCallAndSpecialist's values) x n,
--   m, (cid, nurseSid, position, estimateSeconds) x m, k, (cid, nurseSid) x k, the queue's length
local function dispatchQueue(spec, now, ringMs, typical, head, inTurn)
  local qk, ak = queueKey(spec), P .. 'avail:' .. spec
  local BATCH = 16

  -- A queue written before its calls were indexed as waiting (Redis kept from an earlier version) is indexed once.
  if redis.call('SETNX', qk .. ':indexed', '1') == 1 then
    local all = redis.call('ZRANGE', qk, 0, -1, 'WITHSCORES')
    for i = 1, #all, 2 do
      if redis.call('HGET', callKey(all[i]), 'state') == 'queued' then
        redis.call('ZADD', qk .. ':waiting', all[i + 1], all[i])
      end
    end
  end

  -- The idle specialists, longest idle first, read from the availability set only as far as needed: one, then
  -- twice as many each time up to BATCH (a new call usually needs one). Nothing is removed from it before the end,
  -- so that ranks read stay valid.
  local idle, stale, read, want = {}, {}, 0, 1
  local total = redis.call('ZCARD', ak)
  local function readMore()
    if read >= total then return false end
    local batch = redis.call('ZRANGE', ak, read, read + want - 1)
    read = read + #batch
    want = math.min(want * 2, BATCH)
    for _, u in ipairs(batch) do
      if eligible(u) then idle[#idle + 1] = u else stale[#stale + 1] = u end
    end
    return #batch > 0
  end

  local used, usedCount = {}, 0
  -- Every idle specialist is rung already: nobody is left for the calls further back.
  local function exhausted()
    while usedCount == #idle do
      if not readMore() then return true end
    end
    return false
  end
  local function choose(ck)
    local i = 1
    while true do
      if i > #idle then
        if not readMore() then return nil end
      else
        local u = idle[i]
        if not used[u] and redis.call('SISMEMBER', ck .. ':declined', u) == 0 then return u end
        i = i + 1
      end
    end
  end

  local rung, rungNow, left = {}, {}, {}
  local offset, done = 0, false
  while not done do
    local batch = redis.call('ZRANGE', qk .. ':waiting', offset, offset + BATCH - 1)
    if #batch == 0 then break end
    offset = offset + #batch
    for _, cid in ipairs(batch) do
      if exhausted() then
        done = true
        break
      end
      local ck = callKey(cid)
      if redis.call('HGET', ck, 'state') ~= 'queued' then
        left[#left + 1] = cid
      else
        local chosen = choose(ck)
        if chosen then
          used[chosen] = true
          usedCount = usedCount + 1
          redis.call('HSET', ck, 'state', 'ringing', 'ringing', chosen, 'noSpecialistSent', '0')
          redis.call('ZADD', P .. 'ringing', now + ringMs, cid)
          redis.call('HSET', presKey(chosen), 'ringing', cid)
          rung[#rung + 1] = cid
          rung[#rung + 1] = chosen
          rungNow[cid] = true
          left[#left + 1] = cid
        end
      end
    end
  end
  for _, u in ipairs(stale) do redis.call('ZREM', ak, u) end
  for i = 2, #rung, 2 do unavail(rung[i]) end
  for _, cid in ipairs(left) do redis.call('ZREM', qk .. ':waiting', cid) end

  local freeCount = total - #stale
  local online = onlineCount(spec)
  local handle = tonumber(redis.call('HGET', P .. 'stats:' .. spec, 'handleMs') or typical)
  local updates, told = {}, {}
  local function tell(cid, pos, nurseSid, stored)
    if told[cid] then return end
    told[cid] = true
    if tonumber(stored or '0') ~= pos then
      redis.call('HSET', callKey(cid), 'position', pos)
      local est = 0
      if pos > freeCount then
        est = math.ceil((pos - freeCount) * handle / math.max(1, online) / 1000)
      end
      updates[#updates + 1] = cid
      updates[#updates + 1] = nurseSid
      updates[#updates + 1] = tostring(pos)
      updates[#updates + 1] = tostring(est)
    end
  end
  -- Tells calls listed in queue order (every `stride`-th entry of `list`) their positions, from `position` on. A call
  -- being rung is not told it moved up (its nurse hears the ring); if the ring fails it comes back to the queue as a
  -- fresh call, and hears its position then.
  local function tellListed(list, stride, position)
    for i = 1, #list, stride do
      local c = redis.call('HMGET', callKey(list[i]), 'nurseSid', 'position', 'state')
      if c[1] and c[3] ~= 'ringing' then tell(list[i], position + (i - 1) / stride, c[1], c[2]) end
    end
  end

  local none = {}
  local fresh = redis.call('ZRANGE', qk .. ':fresh', 0, -1)
  redis.call('DEL', qk .. ':fresh')
  for _, cid in ipairs(fresh) do
    local ck = callKey(cid)
    local c = redis.call('HMGET', ck, 'state', 'nurseSid', 'position', 'noSpecialistSent')
    if c[1] == 'queued' or c[1] == 'ringing' then
      if c[1] == 'queued' and c[4] ~= '1' then
        redis.call('HSET', ck, 'noSpecialistSent', '1')
        none[#none + 1] = cid
        none[#none + 1] = c[2]
      end
      local rank = redis.call('ZRANK', qk, cid)
      if rank then tell(cid, rank + 1, c[2], c[3]) end
    end
  end

  -- Tells the calls of the queue scored from `min` to `max` (ZRANGEBYSCORE bounds), at most `limit`, their position;
  -- returns how many there were and the score of the last.
  local function tellScored(min, max, limit)
    local batch = redis.call('ZRANGEBYSCORE', qk, min, max, 'WITHSCORES', 'LIMIT', 0, limit)
    if #batch == 0 then return 0, nil end
    tellListed(batch, 2, redis.call('ZRANK', qk, batch[1]) + 1)
    return #batch / 2, batch[#batch]
  end

  -- A call left: every call behind moved up. The first calls hear it now; further back, the `inTurn` calls after the
  -- one last told in turn (a cursor that follows the calls, not their ranks, so none is skipped as they move up), and
  -- where the queue ends before that many, the calls from just after the head again: so the cursor goes round the
  -- rest of the queue, `inTurn` calls each time calls leave, even while new calls keep joining behind it.
  if redis.call('DEL', qk .. ':moved') == 1 then
    tellListed(redis.call('ZRANGE', qk, 0, head - 1), 1, 1)
    local lastOfHead = redis.call('ZRANGE', qk, head - 1, head - 1, 'WITHSCORES')
    if #lastOfHead == 0 then
      redis.call('DEL', qk .. ':cursor')
    else
      local headEnd = lastOfHead[2]
      local from = redis.call('GET', qk .. ':cursor')
      if not from or tonumber(from) < tonumber(headEnd) then from = headEnd end
      local count, last = tellScored('(' .. from, '+inf', inTurn)
      if count < inTurn and tonumber(from) > tonumber(headEnd) then
        local wrapped, wrappedLast = tellScored('(' .. headEnd, from, inTurn - count)
        if wrapped > 0 then last = wrappedLast end
      end
      if last then redis.call('SET', qk .. ':cursor', last) end
    end
  end

  local out = {tostring(#rung / 2)}
  for i = 1, #rung, 2 do
    local cid, u = rung[i], rung[i + 1]
    out[#out + 1] = cid
    out[#out + 1] = u
    pushCallAndSpecialist(out, cid, u)
  end
  out[#out + 1] = tostring(#updates / 4)
  for _, x in ipairs(updates) do out[#out + 1] = x end
  out[#out + 1] = tostring(#none / 2)
  for _, x in ipairs(none) do out[#out + 1] = x end
  out[#out + 1] = tostring(redis.call('ZCARD', qk))
  return out
end
