-- Shared by every booking script (prepended to each). Conventions:
-- ARGV[1] key prefix, ARGV[2] the caller's clock in epoch ms, ARGV[3] actor id, ARGV[4] actor role;
-- script-specific arguments start at ARGV[5]. Times are epoch milliseconds (UTC).
-- A busy entry is "id|endMs|holdExpiryMs" scored by start ms; holdExpiryMs 0 means not a hold.
local PREFIX = ARGV[1]
local NOW = tonumber(ARGV[2])
local ACTOR = ARGV[3]
local ROLE = ARGV[4]
local HOLDS = PREFIX .. 'holds'
local REM_DUE = PREFIX .. 'rem:due'
local REM_PROCESSING = PREFIX .. 'rem:processing'
local ALL_IDX = PREFIX .. 'idx:all'

local function appt_key(id) return PREFIX .. 'appt:' .. id end
local function history_key(id) return PREFIX .. 'appt:' .. id .. ':history' end
local function spec_busy_key(s) return PREFIX .. 'busy:spec:' .. s end
local function pat_busy_key(p) return PREFIX .. 'busy:pat:' .. p end
local function spec_idx_key(s) return PREFIX .. 'idx:spec:' .. s end
local function disp_idx_key(d) return PREFIX .. 'idx:disp:' .. d end
local function waitlist_key(specialty) return PREFIX .. 'waitlist:' .. specialty end

local function load(id)
  local fields = redis.call('HGETALL', appt_key(id))
  if #fields == 0 then return nil end
  local a = {}
  for i = 1, #fields, 2 do a[fields[i]] = fields[i + 1] end
  return a
end

-- How many live holds and bookings in a busy set overlap [startMs, endMs), leaving out `exclude`.
local function count_overlaps(key, startMs, endMs, maxLenMs, exclude)
  local n = 0
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, startMs - maxLenMs, '(' .. endMs)) do
    local id, e, h = string.match(m, '^(.+)|(%d+)|(%d+)$')
    e = tonumber(e)
    h = tonumber(h)
    if id ~= exclude and e > startMs and (h == 0 or h > NOW) then n = n + 1 end
  end
  return n
end

local function occupy(id, specialist, patient, startMs, endMs, holdExp)
  local member = id .. '|' .. endMs .. '|' .. holdExp
  redis.call('ZADD', spec_busy_key(specialist), startMs, member)
  redis.call('ZADD', pat_busy_key(patient), startMs, member)
  redis.call('HSET', appt_key(id), 'busy', member)
  if holdExp ~= 0 then
    redis.call('ZADD', HOLDS, holdExp, id)
  else
    redis.call('ZREM', HOLDS, id)
  end
end

local function release(id, a)
  if a.busy and a.busy ~= '' then
    redis.call('ZREM', spec_busy_key(a.specialistId), a.busy)
    redis.call('ZREM', pat_busy_key(a.patientRef), a.busy)
  end
  redis.call('HSET', appt_key(id), 'busy', '')
  redis.call('ZREM', HOLDS, id)
end

-- Reminder members are "id|offsetMinutes|startMs|version"; the appointment keeps the list to drop them later.
local function schedule_reminders(id, startMs, version, offsets)
  local members = {}
  for off in string.gmatch(offsets, '[^,]+') do
    local due = startMs - tonumber(off) * 60000
    if due > NOW then
      local m = id .. '|' .. off .. '|' .. startMs .. '|' .. version
      redis.call('ZADD', REM_DUE, due, m)
      members[#members + 1] = m
    end
  end
  redis.call('HSET', appt_key(id), 'reminders', table.concat(members, ','))
end

local function drop_reminders(id)
  local current = redis.call('HGET', appt_key(id), 'reminders')
  if current and current ~= '' then
    for m in string.gmatch(current, '[^,]+') do
      redis.call('ZREM', REM_DUE, m)
      redis.call('ZREM', REM_PROCESSING, m)
    end
  end
  redis.call('HSET', appt_key(id), 'reminders', '')
end

local function history(id, action, from, to, detail)
  redis.call('RPUSH', history_key(id), cjson.encode({
    at = ARGV[2], actor = ACTOR, role = ROLE, action = action, from = from, to = to, detail = detail }))
end

-- Idempotency: nil when the key is fresh, else the reply to give.
local function replay(idem_key, fingerprint)
  local existing = redis.call('HGET', idem_key, 'appt')
  if not existing then return nil end
  if redis.call('HGET', idem_key, 'fp') ~= fingerprint then return { 'ERR', 'IDEMPOTENCY_KEY_REUSED' } end
  return { 'REPLAY', existing }
end

local function remember(idem_key, id, fingerprint, ttl)
  redis.call('HSET', idem_key, 'appt', id, 'fp', fingerprint)
  redis.call('EXPIRE', idem_key, ttl)
end
