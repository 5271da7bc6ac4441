-- claim: ARGV[3] = now, ARGV[4] = limit, ARGV[5] = worker id, ARGV[6] = lease expiry,
-- ARGV[7] = fairness ('tenant' | 'fifo'), ARGV[8..] = per type 4 values: type, concurrency limit,
-- rate max, rate window ms (each '' = none; all three '' = the type has no limits in this request).
-- Moves up to `limit` due pending jobs to running under a new lease, in ready-line order across the
-- types (priority desc, fair round or runAt, place in line). Returns their records in that order.
--
-- Why it is O(log n + limit) (per type, plus what is promoted, woken or parked, each bounded):
-- 1. Due delayed jobs (P:p, by runAt) are placed in their ready line first, at most PROMOTE per type
--    per call; jobs not due yet are never looked at, however many there are.
-- 2. The claim reads the front of each type's P:r (ZRANGE 0 chunk-1: O(log n + chunk)) and merges the
--    types by score. Every job it visits leaves P:r: taken; or its group parked (over a limit: the
--    group's whole backlog leaves the scan with it, see lib.lua); or, rarely, not due after all (runAt
--    later than this claim's now: back to P:p). So the scan never passes over the same job twice and a
--    saturated key costs one visit, not its backlog; at most MAX_SKIPS groups are parked per call.
-- 3. Without limits for any of its types (the fast path): one ZRANGE of `limit` members per type, then
--    3 commands per job (HMGET, HDEL, HSET) and the call's index writes, batched (lib.lua beginBatch:
--    one ZADD / ZREM per key, one HINCRBY per counter field, one PUBLISH); plus one ZRANGEBYSCORE
--    (nothing due in P:p) and one EXISTS (no parked group) per type.
-- What Redis ran, seen with MONITOR (the plan of a Lua claim; test/redis.queue-control.test.ts keeps
-- these shapes): with 3,000 due and 3,000 delayed jobs, a claim of 2 jobs of two tenants without
-- limits ran 3 for the type (ZRANGEBYSCORE P:p: nothing due; EXISTS P:pk; ZRANGE P:r 0 1), 3 per job,
-- then ZREM P:r, ZADD P:running, ZREM P:pa, HINCRBY P:nrun, per tenant ZREM / ZADD of its status
-- index and two HINCRBY of its counts, one PUBLISH: 22 commands (round 1 took 14 per job), the same
-- with a backlog of 2. With a 3,000-job backlog on key "busy" and one job on "quiet" (concurrency 1,
-- limit 5): busy's first job taken (its group's next job moved into P:r), busy's second visited and
-- its group parked (HMGET, HGET P:run, ZREM P:r, HSET P:pk, SADD P:pc), quiet's job taken — the same
-- commands as with a backlog of 10; the next claim ran 3 (nothing of busy's backlog is visible to it).
-- Limits are decided here, inside the one script, counting the jobs this call takes: concurrency =
-- P:run (kept exact by setStatus) < limit; rate = starts in (now - perMs, now] (P:rs, pruned once per
-- bucket per call) < max and the bucket not blocked past now (P:rb). A skipped job stays pending,
-- untouched (no attempt, no status change); only its group's entry in P:r moves.
-- In a tick (tick.lua runs first) the claim's arguments start at CLAIM_AT instead of 3.
-- (A tick checked them with its writes' before writing anything.)
if DONE == nil then checkClaim(CLAIM_AT) end
if BATCH == nil then beginBatch() end
local A = CLAIM_AT
local now, limit, owner, leaseExpiresAt, fairness = ARGV[A], tonumber(ARGV[A + 1]) or 0, ARGV[A + 2], ARGV[A + 3],
  ARGV[A + 4]
local nowNum = tonumber(now)
local PROMOTE, WAKE, MAX_SKIPS = 500, 500, 1000

local cache = newFairCache()
local lines = {}

-- Places up to PROMOTE due delayed jobs of the type in their ready lines (round given now).
local function promote(jobType)
  local due = redis.call('ZRANGEBYSCORE', pendingKey(jobType), '-inf', now, 'LIMIT', 0, PROMOTE)
  for _, member in ipairs(due) do
    redis.call('ZREM', pendingKey(jobType), member)
    local j = head(string.sub(member, 18))
    if j and j.status == 'pending' and j.pm == member then makeReady(j, readyScore(j, fairness, cache), member) end
  end
end

-- Groups parked on a rate bucket whose window may have moved: back in the scan (rechecked on visit).
local function wakeRateParked(jobType)
  local due = redis.call('ZRANGEBYSCORE', rateWaitKey(jobType), '-inf', now, 'LIMIT', 0, WAKE)
  for _, g in ipairs(due) do
    redis.call('ZREM', rateWaitKey(jobType), g)
    if redis.call('HGET', parkedKey(jobType), g) == 'r' then unpark(jobType, g) end
  end
end

-- A claim without limits for the type counts nothing: groups parked by limited claims come back.
local function unparkAll(jobType)
  if redis.call('EXISTS', parkedKey(jobType)) == 0 then return end
  local scan = redis.call('HSCAN', parkedKey(jobType), 0, 'COUNT', WAKE)
  for k = 1, #scan[2], 2 do unpark(jobType, scan[2][k]) end
end

for a = A + 5, #ARGV, 4 do
  local jobType = ARGV[a]
  local lim = nil
  if ARGV[a + 1] ~= '' or ARGV[a + 2] ~= '' then
    lim = { conc = tonumber(ARGV[a + 1]), rmax = tonumber(ARGV[a + 2]), rper = tonumber(ARGV[a + 3]) }
  end
  promote(jobType)
  if lim then wakeRateParked(jobType) else unparkAll(jobType) end
  lines[#lines + 1] = { type = jobType, lim = lim, key = readyKey(jobType), items = {}, pos = 1,
    chunk = lim and (limit + 32) or limit, complete = false }
end

fairFlush(cache)

local function before(a, b)
  if a.s ~= b.s then return a.s < b.s end
  return a.m < b.m
end

-- The line's first unvisited entry: the local copy of the front of P:r, read again when used up.
local function front(line)
  if line.pos > #line.items then
    if line.complete then return nil end
    flushZ(line.key) -- this call's removals from P:r first
    local flat = redis.call('ZRANGE', line.key, 0, line.chunk - 1, 'WITHSCORES')
    line.items, line.pos = {}, 1
    for k = 1, #flat, 2 do line.items[#line.items + 1] = { m = flat[k], s = tonumber(flat[k + 1]) } end
    -- Fewer than asked: this is all of P:r, so a group's next job (added behind it) goes in locally.
    line.complete = #line.items < line.chunk
    if #line.items == 0 then return nil end
  end
  return line.items[line.pos]
end

-- A group's next job just entered P:r: keep the local copy in order. An entry behind the copy's last
-- one, with more of P:r unread, is found by the next read instead.
local function entered(line, e)
  if e == nil then return end
  local items = line.items
  local last = items[#items]
  if not line.complete and (line.pos > #items or not before(e, last)) then return end
  local k = #items
  while k >= line.pos and before(e, items[k]) do
    items[k + 1] = items[k]
    k = k - 1
  end
  items[k + 1] = e
end

-- Over a limit: the group leaves the scan until a slot frees ('c') or its window moves ('r').
local function park(line, j, member, reason, wake)
  redis.call('ZREM', line.key, member)
  local g = groupOf(j)
  redis.call('HSET', parkedKey(line.type), g, reason)
  if reason == 'c' then
    redis.call('SADD', slotWaitKey(line.type, j.ck), g)
  else
    redis.call('ZADD', rateWaitKey(line.type), fmt(wake), g)
  end
end

-- The bucket's starts in (now - perMs, now], counting this call's: when full (or blocked past now),
-- the time a start leaves the window (or the block ends); nil when a start is allowed.
local pruned = {}
local function rateFullUntil(jobType, key, lim)
  local starts = startsKey(jobType, key)
  if not pruned[starts] then
    redis.call('ZREMRANGEBYSCORE', starts, '-inf', fmt(nowNum - lim.rper))
    pruned[starts] = true
  end
  local wake = nil
  local n = redis.call('ZCARD', starts)
  if n >= lim.rmax then
    local oldest = redis.call('ZRANGE', starts, n - lim.rmax, n - lim.rmax, 'WITHSCORES')
    wake = tonumber(oldest[2]) + lim.rper
  end
  local blocked = tonumber(redis.call('HGET', blockedKey(jobType), key))
  if blocked and blocked > nowNum and (wake == nil or blocked > wake) then wake = blocked end
  return wake
end

local out = {}
local skips = 0

-- Shows the claim one job (the line's front, already stepped past); returns nothing.
local function visit(line, e)
  local id = string.sub(e.m, 18)
  local f = redis.call('HMGET', jobKey(id), unpack(CLAIM_FIELDS))
  local j = headOfClaim(id, f)
  if j == nil or j.status ~= 'pending' or j.q ~= 'r' or j.pm ~= e.m then
    redis.call('ZREM', line.key, e.m) -- a stray entry (never expected): drop it
    return
  end
  if tonumber(j.runAt) > nowNum then
    -- Placed by an enqueue whose clock was ahead of this claim's: wait in P:p until due.
    entered(line, leaveReady(j, e.m))
    redis.call('ZADD', pendingKey(j.type), j.runAt, e.m)
    redis.call('HSET', jobKey(id), 'q', 'w')
    return
  end
  local lim = line.lim
  if lim then
    if lim.conc and j.ck and (tonumber(redis.call('HGET', runCountKey(j.type), j.ck)) or 0) >= lim.conc then
      park(line, j, e.m, 'c')
      skips = skips + 1
      return
    end
    if lim.rmax and j.rk then
      local wake = rateFullUntil(j.type, j.rk, lim)
      if wake then
        park(line, j, e.m, 'r', wake)
        skips = skips + 1
        return
      end
    end
  end
  entered(line, leaveReady(j, e.m))
  -- pm and sc stay: a release puts the job back in the same place. One HSET for every field the
  -- claim sets (status included), and the event from what is known: the claim's writes per job are
  -- as few as round 1's although fair share and stats were added.
  redis.call('HDEL', jobKey(id), 'q')
  local attempts = (tonumber(j.attempts) or 0) + 1
  j.attempts = tostring(attempts)
  redis.call('HSET', jobKey(id), 'leaseOwner', owner, 'leaseExpiresAt', leaseExpiresAt, 'startedAt', now,
    'updatedAt', now, 'progress', 0, 'attempts', attempts, 'status', 'running')
  zadd(RUNNING, leaseExpiresAt, id)
  setStatus(j, 'running', true)
  if lim and lim.rmax and j.rk then redis.call('ZADD', startsKey(j.type, j.rk), now, id .. ':' .. attempts) end
  publishAs('started', j, 0, j.message)
  -- The answer: what the read above has that the caller does not know (record.ts toClaimed adds
  -- status, lease, times and progress 0 from the claim's own arguments). No second read of the job.
  out[#out + 1] = { id, f[1], f[2], f[6], f[19], f[21], f[20], f[10], f[4], f[12], f[9], f[13], f[14], f[15],
    f[18], j.attempts }
end

while #out < limit and skips < MAX_SKIPS do
  local best, bestLine = nil, nil
  for _, line in ipairs(lines) do
    local e = front(line)
    if e and (best == nil or before(e, best)) then best, bestLine = e, line end
  end
  if best == nil then break end
  bestLine.pos = bestLine.pos + 1
  visit(bestLine, best)
end
flushWrites()
if DONE then
  DONE[3] = out
  return DONE
end
return out
