-- Shared by every script (prepended to each): key names and the bookkeeping of a status change.
-- Every script takes ARGV[1] = key prefix, ARGV[2] = origin (the store instance that calls it, carried
-- in each event for diagnostics); its own arguments start at ARGV[3].
--
-- Keys (P = prefix; layout 2, see ../layout.ts):
--   P:job:<id>            hash: the job record; an absent field is null. Besides the record's fields:
--                         pm = its place in line (16-digit seq .. ':' .. id, the member in the lines
--                         below), q = the line a pending job waits in ('w' delayed, 'r' ready), sc = its
--                         ready score (pm and sc stay while it runs, so a release restores its place)
--   P:p:<type>            zset: pending jobs not due yet (delayed jobs, retries) by runAt; member = pm.
--                         A claim places the due ones in the ready line ("promotion", as BullMQ does).
--                         Layout 1 kept every pending job here, so an old backlog is read as due
--                         delayed jobs and placed as claims come: nothing to migrate.
--   P:r:<type>            zset: the ready line, due pending jobs by score() (priority desc, then fair
--                         round or runAt); equal scores in pm order, i.e. enqueue order. Holds every
--                         keyless job, and of each key group only its first job (see below).
--   P:k:<#type>:<type>:<g> zset: the ready jobs of one key group g = (concurrencyKey, rateKey), same
--                         scores; the group's first one is also in P:r unless the group is parked
--   P:pk:<type>           hash: parked group -> 'c' (waits for a concurrency slot) | 'r' (waits for a
--                         rate window); a parked group has no job in P:r, so claims never scan it
--   P:pc:<#type>:<type>:<key> set of groups parked on that concurrency key (woken by a freed slot)
--   P:pr:<type>           zset of groups parked on their rate bucket, by when to look again
--   P:run:<type>          hash: concurrency key -> its running jobs (status running, kept by setStatus)
--   P:rs:<#type>:<type>:<key> zset: the rate bucket's recent starts by time (member = id:attempt)
--   P:rb:<type>           hash: rate key -> blocked until (blockRateKey)
--   P:fair                hash: fair share: <priority>:c = the band's clock (highest round given),
--                         <priority>:l:<tenant> / :j:<tenant> = the tenant's last round and its job
--   P:types               set of the job types enqueued (fair share's head and stats are over all of them)
--   P:pa:<type>           zset: every pending job of the type (due or not, in any line) by runAt; member =
--                         id (stats: pending, due, oldest due; kept by setStatus)
--   P:nrun                hash: type -> its running jobs (stats; kept by setStatus)
--   P:tenants             set of the tenants with jobs (the operator list over every tenant merges theirs)
--   P:paused              set of the paused job types (workers leave them out of their claims)
--   P:running             zset of running job ids by lease expiry (reclaim reads the expired end)
--   P:expiring            zset of terminal job ids by expiresAt (the retention sweeper's work list)
--   P:t:<tenant>          zset of a tenant's job ids by createdAt (list, newest first)
--   P:ts:<status>:<tenant> zset of a tenant's job ids in one status by createdAt (list by status, counts)
--   P:c:<tenant>          hash: <status>:<type> -> count (counts by type)
--   P:i:<len>:<tenant>:<key>  idempotency key -> job id, for the job's life
--   P:d:<len>:<tenant>:<key>  dedupe key -> job id, while the job is pending or running
--   P:sched:<name>        hash: a schedule; P:scheds = zset of schedule names, all score 0 (byte order)
--   P:seq                 counter for places in line
--   P:layout              hash: layout version -> name, the versions applied (../layout.ts)
--   P:events              pub/sub channel of JobEvents
-- Times are epoch ms passed in by the caller as strings: scripts never read Redis's clock.

local P = ARGV[1]
local ORIGIN = ARGV[2]

local function jobKey(id) return P .. ':job:' .. id end
local function pendingKey(jobType) return P .. ':p:' .. jobType end
local function readyKey(jobType) return P .. ':r:' .. jobType end
local function groupKey(jobType, g) return P .. ':k:' .. #jobType .. ':' .. jobType .. ':' .. g end
local function parkedKey(jobType) return P .. ':pk:' .. jobType end
local function slotWaitKey(jobType, key) return P .. ':pc:' .. #jobType .. ':' .. jobType .. ':' .. key end
local function rateWaitKey(jobType) return P .. ':pr:' .. jobType end
local function runCountKey(jobType) return P .. ':run:' .. jobType end
local function startsKey(jobType, key) return P .. ':rs:' .. #jobType .. ':' .. jobType .. ':' .. key end
local function blockedKey(jobType) return P .. ':rb:' .. jobType end
local FAIR = P .. ':fair'
local TYPES = P .. ':types'
local TENANTS = P .. ':tenants'
local RUN_BY_TYPE = P .. ':nrun'
local function allPendingKey(jobType) return P .. ':pa:' .. jobType end
local RUNNING = P .. ':running'
local EXPIRING = P .. ':expiring'
local function tenantKey(tenant) return P .. ':t:' .. tenant end
local function statusKey(status, tenant) return P .. ':ts:' .. status .. ':' .. tenant end
local function countsKey(tenant) return P .. ':c:' .. tenant end
local function idemKey(tenant, key) return P .. ':i:' .. #tenant .. ':' .. tenant .. ':' .. key end
local function dedupeKey(tenant, key) return P .. ':d:' .. #tenant .. ':' .. tenant .. ':' .. key end

-- Batched index writes -----------------------------------------------------------------------------
-- Every redis.call costs about a microsecond of Lua-to-Redis work beyond the command itself (INFO
-- commandstats on a no-op drain: 76 µs of EVALSHA per job, 33 µs of it in the commands, for 26 calls
-- per job). The hot scripts (claim, complete, progress, tick) change the same few index keys for every
-- job — the tenant's status zsets and counters, P:running, P:expiring, P:pa, P:nrun, the ready line —
-- so they call beginBatch() first: those writes then gather here and leave as one ZADD / ZREM per key
-- and one HINCRBY per key and field at flushWrites(), and the events as one PUBLISH. Last write wins
-- per (key, member), which is what applying them in order would leave. Only keys a script does not
-- read back before the flush are written this way: never a concurrency key's running count (P:run),
-- which a claim with limits reads; the ready line is flushed before the claim reads it again (front).
-- Other scripts leave BATCH nil and write at once.
local BATCH = nil

local function beginBatch() BATCH = { z = {}, zkeys = {}, incr = {}, ikeys = {}, events = {} } end

local function zset(key, member, score)
  if BATCH == nil then
    if score then redis.call('ZADD', key, score, member) else redis.call('ZREM', key, member) end
    return
  end
  local z = BATCH.z[key]
  if z == nil then
    z = {}
    BATCH.z[key] = z
    BATCH.zkeys[#BATCH.zkeys + 1] = key
  end
  z[member] = score or false
end

local function zadd(key, score, member) zset(key, member, score) end
local function zrem(key, member) zset(key, member, nil) end

-- HINCRBY, batched as one sum per field; `drop`: delete the field once it reaches 0 or less.
local function incr(key, field, delta, drop)
  if BATCH == nil then
    if redis.call('HINCRBY', key, field, delta) <= 0 and drop then redis.call('HDEL', key, field) end
    return
  end
  local h = BATCH.incr[key]
  if h == nil then
    h = {}
    BATCH.incr[key] = h
    BATCH.ikeys[#BATCH.ikeys + 1] = key
  end
  local cur = h[field]
  h[field] = { (cur and cur[1] or 0) + delta, drop }
end

-- unpack() has a stack limit (~8000 values): long argument lists go in slices.
local function callSliced(cmd, key, args)
  for s = 1, #args, 1000 do
    redis.call(cmd, key, unpack(args, s, math.min(#args, s + 999)))
  end
end

-- Writes the batched changes of one zset now (a script about to read it back).
local function flushZ(key)
  if BATCH == nil then return end
  local z = BATCH.z[key]
  if z == nil then return end
  BATCH.z[key] = nil
  local adds, rems = {}, {}
  for member, score in pairs(z) do
    if score then
      adds[#adds + 1] = score
      adds[#adds + 1] = member
    else
      rems[#rems + 1] = member
    end
  end
  if #adds > 0 then callSliced('ZADD', key, adds) end
  if #rems > 0 then callSliced('ZREM', key, rems) end
end

local function flushWrites()
  if BATCH == nil then return end
  for _, key in ipairs(BATCH.zkeys) do flushZ(key) end
  BATCH.zkeys = {}
  for _, key in ipairs(BATCH.ikeys) do
    for field, d in pairs(BATCH.incr[key]) do
      if d[1] ~= 0 and redis.call('HINCRBY', key, field, d[1]) <= 0 and d[2] then redis.call('HDEL', key, field) end
    end
  end
  BATCH.incr, BATCH.ikeys = {}, {}
  local events = BATCH.events
  if #events == 1 then
    redis.call('PUBLISH', P .. ':events', cjson.encode(events[1]))
  elseif #events > 1 then
    -- One message, a JSON array of the events in order (events.ts reads both shapes).
    redis.call('PUBLISH', P .. ':events', cjson.encode(events))
  end
  BATCH.events = {}
end

-- The fields a status change and its event need, read in one call.
local function head(id)
  local f = redis.call('HMGET', jobKey(id), 'tenantId', 'type', 'status', 'createdAt', 'progress',
    'message', 'leaseOwner', 'attempts', 'dedupeKey', 'runAt', 'pm', 'idempotencyKey', 'priority',
    'concurrencyKey', 'rateKey', 'q', 'sc', 'traceContext')
  if not f[1] then return nil end
  return { id = id, tenant = f[1], type = f[2], status = f[3], createdAt = f[4], progress = f[5],
    message = f[6], owner = f[7], attempts = f[8], dedupe = f[9], runAt = f[10], pm = f[11],
    idem = f[12], priority = tonumber(f[13]) or 0, ck = f[14], rk = f[15], q = f[16], sc = f[17] }
end

-- What a claim reads of each job, in one HMGET: head()'s fields, then input, maxAttempts, error (the
-- rest of what a pending job has). claim.lua answers from it (no second read) in the order
-- record.ts toClaimed reads.
local CLAIM_FIELDS = { 'tenantId', 'type', 'status', 'createdAt', 'progress', 'message', 'leaseOwner',
  'attempts', 'dedupeKey', 'runAt', 'pm', 'idempotencyKey', 'priority', 'concurrencyKey', 'rateKey', 'q', 'sc',
  'traceContext', 'input', 'maxAttempts', 'error' }

local function headOfClaim(id, f)
  if not f[1] then return nil end
  return { id = id, tenant = f[1], type = f[2], status = f[3], createdAt = f[4], progress = f[5],
    message = f[6], owner = f[7], attempts = f[8], dedupe = f[9], runAt = f[10], pm = f[11],
    idem = f[12], priority = tonumber(f[13]) or 0, ck = f[14], rk = f[15], q = f[16], sc = f[17] }
end

-- True when `attempt` (a decimal string) of `owner` still holds the job's lease.
local function held(j, owner, attempt)
  return j ~= nil and j.status == 'running' and j.owner == owner and j.attempts == attempt
end

-- Scores ------------------------------------------------------------------------------------------
-- A ready score packs (priority desc, value) into one double, exactly: band = (1000 - priority) * 2^43,
-- plus value in [0, 2^43) — the fair round, or with "fifo" the runAt (epoch ms fit until year 2248).
-- 1001 * 2^43 < 2^53, so every score is an exact integer and ZSET order is (priority desc, value),
-- then member (place in line) for ties. Scores are written with %.0f (tostring would round to 14 digits).
local BAND = 8796093022208
local MAX_PRIORITY = 1000

local function fmt(n) return string.format('%.0f', n) end

local function bandBase(priority)
  local p = math.max(0, math.min(MAX_PRIORITY, priority))
  return (MAX_PRIORITY - p) * BAND
end

local function clampValue(v) return math.max(0, math.min(BAND - 1, v)) end

-- Key groups -----------------------------------------------------------------------------------------
-- A job with a concurrency or rate key waits in its group's line P:k (ordered like P:r) and only the
-- group's first job is in P:r. A claim that finds the first job over a limit parks the group: removes
-- it from P:r (one ZREM) and records why; the group's backlog is then invisible to claims until a slot
-- frees (setStatus) or its rate window moves (the claim wakes it from P:pr). So a claim never walks a
-- saturated key's backlog: it visits each saturated group once, then the group is out of the scan.

-- The group of a job, or nil when it has neither key (length-prefixed, so no two pairs collide).
local function groupOf(j)
  if not j.ck and not j.rk then return nil end
  local c = j.ck and (#j.ck .. ':' .. j.ck) or '-'
  local r = j.rk and (#j.rk .. ':' .. j.rk) or '-'
  return c .. '|' .. r
end

-- Puts a due job in line at (score, member): in P:r, or in its group's line (and in P:r if it became
-- the first of a group that is not parked).
local function makeReady(j, score, member)
  local s = fmt(score)
  redis.call('HSET', jobKey(j.id), 'q', 'r', 'sc', s, 'pm', member)
  j.q, j.sc, j.pm = 'r', s, member
  local g = groupOf(j)
  if not g then
    redis.call('ZADD', readyKey(j.type), s, member)
    return
  end
  local line = groupKey(j.type, g)
  local first = redis.call('ZRANGE', line, 0, 0)[1]
  redis.call('ZADD', line, s, member)
  if redis.call('HEXISTS', parkedKey(j.type), g) == 1 then return end
  if first == nil or redis.call('ZRANGE', line, 0, 0)[1] == member then
    if first then redis.call('ZREM', readyKey(j.type), first) end
    redis.call('ZADD', readyKey(j.type), s, member)
  end
end

-- Takes a ready job out of its lines. When it was its group's entry in P:r, the group's next job takes
-- its place there; that entry is returned ({ m = member, s = score }) so a claim can consider it too.
local function leaveReady(j, member)
  local g = groupOf(j)
  if not g then
    zrem(readyKey(j.type), member)
    return nil
  end
  local listed = redis.call('ZREM', readyKey(j.type), member)
  local line = groupKey(j.type, g)
  redis.call('ZREM', line, member)
  if listed == 0 then return nil end
  local nxt = redis.call('ZRANGE', line, 0, 0, 'WITHSCORES')
  if #nxt == 0 then return nil end
  redis.call('ZADD', readyKey(j.type), nxt[2], nxt[1])
  return { m = nxt[1], s = tonumber(nxt[2]) }
end

-- Puts a parked group back in the scan: its first job returns to P:r.
local function unpark(jobType, g)
  redis.call('HDEL', parkedKey(jobType), g)
  local first = redis.call('ZRANGE', groupKey(jobType, g), 0, 0, 'WITHSCORES')
  if #first > 0 then redis.call('ZADD', readyKey(jobType), first[2], first[1]) end
end

-- A running job of (type, key) stopped running: one slot fewer taken, and every group parked on the
-- key is woken (all of them: one that is then held by its rate bucket must not keep the others out).
local function slotFreed(jobType, key)
  if redis.call('HINCRBY', runCountKey(jobType), key, -1) <= 0 then
    redis.call('HDEL', runCountKey(jobType), key)
  end
  local waiting = slotWaitKey(jobType, key)
  local groups = redis.call('SMEMBERS', waiting)
  if #groups == 0 then return end
  redis.call('DEL', waiting)
  for _, g in ipairs(groups) do
    if redis.call('HGET', parkedKey(jobType), g) == 'c' then unpark(jobType, g) end
  end
end

-- Fair share -----------------------------------------------------------------------------------------
-- Start-time fair queuing: a due job of tenant t in band p gets round = max(head(p), last(t, p) + 1),
-- where head(p) = the smallest round among the band's jobs in the ready lines of every type (or, when
-- there is none, the band's clock: the highest round ever given, so a tenant that ran much before
-- carries no debt and one that ran nothing no credit), and last(t, p) = the round of t's newest job in
-- the band while that job is still waiting (none: the tenant starts at the head). The claim then reads
-- P:r in score order: round-robin across tenants at the cost of a FIFO, and no fair-share write at
-- claim time. Scripts run one at a time, so two enqueues never compute a round from the same state;
-- ties (a round a tenant shares with others) go by place in line, i.e. enqueue order.
--
-- `cache` lives for one script call: new rounds are >= the head, so the head does not move while a call
-- places jobs, and a tenant's jobs in one call get consecutive rounds.
local function fairRound(j, cache)
  local p = j.priority
  local band = cache.bands[p]
  if band == nil then
    if cache.types == nil then cache.types = redis.call('SMEMBERS', TYPES) end
    local base = bandBase(p)
    local headRound = nil
    for _, t in ipairs(cache.types) do
      local first = redis.call('ZRANGEBYSCORE', readyKey(t), fmt(base), '(' .. fmt(base + BAND),
        'WITHSCORES', 'LIMIT', 0, 1)
      if #first > 0 then
        local round = tonumber(first[2]) - base
        if headRound == nil or round < headRound then headRound = round end
      end
    end
    local clock = tonumber(redis.call('HGET', FAIR, p .. ':c')) or 0
    band = { head = headRound or clock, clock = clock, tenants = {} }
    cache.bands[p] = band
  end
  local tenant = band.tenants[j.tenant]
  if tenant == nil then
    local f = redis.call('HMGET', FAIR, p .. ':l:' .. j.tenant, p .. ':j:' .. j.tenant)
    local last = nil
    if f[2] and redis.call('HGET', jobKey(f[2]), 'q') == 'r' then last = tonumber(f[1]) end
    tenant = { last = last }
    band.tenants[j.tenant] = tenant
  end
  local round = band.head
  if tenant.last ~= nil and tenant.last + 1 > round then round = tenant.last + 1 end
  tenant.last, tenant.id = round, j.id
  if round > band.clock then band.clock = round end
  cache.dirty = true
  return round
end

local function newFairCache() return { bands = {} } end

-- Writes what a call's rounds changed (each tenant's last round and job, each band's clock) in one
-- HSET, so a bulk enqueue does not pay a write per job. Every script that places jobs calls it last.
local function fairFlush(cache)
  if not cache.dirty then return end
  local args = {}
  local function put(field, value)
    args[#args + 1] = field
    args[#args + 1] = value
    -- unpack() has a stack limit (~8000 values): a call with many tenants writes in slices.
    if #args >= 1000 then
      redis.call('HSET', FAIR, unpack(args))
      args = {}
    end
  end
  for p, band in pairs(cache.bands) do
    put(p .. ':c', fmt(band.clock))
    for tenant, t in pairs(band.tenants) do
      if t.id then
        put(p .. ':l:' .. tenant, fmt(t.last))
        put(p .. ':j:' .. tenant, t.id)
      end
    end
  end
  if #args > 0 then redis.call('HSET', FAIR, unpack(args)) end
end

-- The tenant's last job leaves the line (cancelled, deleted): its newest other job still waiting in the
-- band (a short look back through its pending jobs) holds the tenant's last round now, so a new job of
-- the tenant still queues behind its older ones; none found: the tenant starts at the head again.
local function fairForget(j)
  local p = j.priority
  local jf, lf = p .. ':j:' .. j.tenant, p .. ':l:' .. j.tenant
  if redis.call('HGET', FAIR, jf) ~= j.id then return end
  local ids = redis.call('ZREVRANGE', statusKey('pending', j.tenant), 0, 31)
  for _, id in ipairs(ids) do
    if id ~= j.id then
      local f = redis.call('HMGET', jobKey(id), 'priority', 'q', 'sc')
      if f[2] == 'r' and f[3] and (tonumber(f[1]) or 0) == p then
        redis.call('HSET', FAIR, lf, fmt(tonumber(f[3]) - bandBase(p)), jf, id)
        return
      end
    end
  end
  redis.call('HDEL', FAIR, jf, lf)
end

-- The ready score of a due job: its band, then its fair round ("tenant") or its runAt ("fifo").
local function readyScore(j, fairness, cache)
  local value = fairness == 'fifo' and tonumber(j.runAt) or fairRound(j, cache)
  return bandBase(j.priority) + clampValue(value)
end

-- Status and lines -----------------------------------------------------------------------------------

-- Moves the job between the per-tenant status index and counters, keeps the type's stats (P:pa by
-- j.runAt, so set it first; P:nrun) and the running count of its concurrency key exact through every
-- change (claim, complete, fail, retry, release, cancel, reclaim). `written`: the caller's own HSET
-- already set the status field (one write fewer on the hot paths).
local function setStatus(j, to, written)
  local from = j.status
  if from then
    zrem(statusKey(from, j.tenant), j.id)
    incr(countsKey(j.tenant), from .. ':' .. j.type, -1)
  end
  zadd(statusKey(to, j.tenant), j.createdAt, j.id)
  incr(countsKey(j.tenant), to .. ':' .. j.type, 1)
  if not written then redis.call('HSET', jobKey(j.id), 'status', to) end
  j.status = to
  if from == to then return end
  if from == 'pending' then zrem(allPendingKey(j.type), j.id) end
  if to == 'pending' then zadd(allPendingKey(j.type), j.runAt, j.id) end
  -- The concurrency key's running count is written at once: a claim with limits reads it.
  if to == 'running' then
    incr(RUN_BY_TYPE, j.type, 1, true)
    if j.ck then redis.call('HINCRBY', runCountKey(j.type), j.ck, 1) end
  elseif from == 'running' then
    incr(RUN_BY_TYPE, j.type, -1, true)
    if j.ck then slotFreed(j.type, j.ck) end
  end
end

-- Puts the job in the delayed line at `runAt` with a new place in line (behind jobs already queued);
-- the first claim at or after runAt places it in its ready line.
local function enqueueDelayed(j, runAt)
  local member = string.format('%016d', redis.call('INCR', P .. ':seq')) .. ':' .. j.id
  redis.call('ZADD', pendingKey(j.type), runAt, member)
  redis.call('HSET', jobKey(j.id), 'pm', member, 'runAt', runAt, 'q', 'w')
  j.pm, j.q, j.runAt = member, 'w', runAt
end

-- A new pending job (its runAt already written): due at `now` -> its ready line with a new place;
-- later -> the delayed line.
local function enqueuePending(j, runAt, now, fairness, cache)
  if tonumber(runAt) > tonumber(now) then
    enqueueDelayed(j, runAt)
    return
  end
  local member = string.format('%016d', redis.call('INCR', P .. ':seq')) .. ':' .. j.id
  j.runAt = runAt
  makeReady(j, readyScore(j, fairness, cache), member)
end

-- A pending job leaves every line (cancel, delete). Layout 1's pending jobs have pm but no q: they are
-- in P:p, like delayed jobs.
local function leavePending(j)
  if j.status ~= 'pending' then return end
  if j.q == 'r' then
    leaveReady(j, j.pm)
    fairForget(j)
  elseif j.pm then
    redis.call('ZREM', pendingKey(j.type), j.pm)
  end
  redis.call('HDEL', jobKey(j.id), 'pm', 'q', 'sc')
  j.pm, j.q, j.sc = nil, nil, nil
end

-- Frees the dedupe key if this job holds it (a finished job no longer blocks a new one).
local function releaseDedupe(j)
  if j.dedupe then
    local k = dedupeKey(j.tenant, j.dedupe)
    if redis.call('GET', k) == j.id then redis.call('DEL', k) end
  end
end

-- Running or pending -> a terminal status, kept until expiresAt. `drop`: another field to delete in
-- the same HDEL (complete drops the error); `extra`: more field, value pairs for the same HSET.
local function finish(j, status, now, expiresAt, drop, extra)
  leavePending(j)
  zrem(RUNNING, j.id)
  redis.call('HDEL', jobKey(j.id), 'leaseOwner', 'leaseExpiresAt', 'pm', 'q', 'sc', drop or 'leaseOwner')
  redis.call('HSET', jobKey(j.id), 'finishedAt', now, 'expiresAt', expiresAt, 'updatedAt', now, 'status', status,
    unpack(extra or {}))
  zadd(EXPIRING, expiresAt, j.id)
  setStatus(j, status, true)
  releaseDedupe(j)
end

-- Running -> pending, out of the lease index; the caller puts it in a line.
local function leaveRunning(j, now)
  redis.call('ZREM', RUNNING, j.id)
  redis.call('HDEL', jobKey(j.id), 'leaseOwner', 'leaseExpiresAt')
  redis.call('HSET', jobKey(j.id), 'updatedAt', now)
  setStatus(j, 'pending')
end

-- Running -> pending again at runAt (a retry or a reclaim): the delayed line, placed when due.
local function backToPending(j, runAt, now)
  j.runAt = runAt
  leaveRunning(j, now)
  enqueueDelayed(j, runAt)
end

-- Publishes the job's JobEvent with this progress and message.
local function publishAs(kind, j, progress, message)
  local event = { o = ORIGIN, kind = kind, jobId = j.id, tenantId = j.tenant, type = j.type,
    status = j.status, progress = tonumber(progress) or 0, message = message or cjson.null }
  if BATCH then
    BATCH.events[#BATCH.events + 1] = event
  else
    redis.call('PUBLISH', P .. ':events', cjson.encode(event))
  end
end

-- Publishes the job's JobEvent; re-reads progress and message, which the caller may just have set.
local function publish(kind, j)
  local f = redis.call('HMGET', jobKey(j.id), 'progress', 'message')
  publishAs(kind, j, f[1], f[2])
end

-- Removes every trace of the job (delete and retention).
-- Flow retention (flow-group.lua's keys): a removed job's steps go, and its groups as a parent with
-- their counted ends. A batch goes with the last of its members and its completion job (their
-- idempotency keys name it: flow:<batch id>:<index | complete>); one still waiting for its completion
-- job to be enqueued stays, for the sweep to finish. `batches` (batch id -> member index to look at
-- first) gathers the batches to check, so a sweep checks each once, after its deletes.
local function groupGone(id)
  redis.call('DEL', P .. ':grp:' .. id, P .. ':grp-ends:' .. id)
  redis.call('ZREM', P .. ':grp-open', id)
end

local function dropFlows(j, batches)
  redis.call('DEL', P .. ':steps:' .. j.id)
  local parentOf = P .. ':grp-of:' .. j.id
  for _, id in ipairs(redis.call('ZRANGE', parentOf, 0, -1)) do groupGone(id) end
  redis.call('DEL', parentOf)
  if not j.idem then return end
  local batch, index = string.match(j.idem, '^flow:(bat_[%w_%-]+):(%w+)$')
  if batch then batches[batch] = (tonumber(index) or -1) + 1 end
end

local function dropEmptyBatches(batches)
  for batch, from in pairs(batches) do
    local f = redis.call('HMGET', P .. ':grp:' .. batch, 'tenantId', 'total', 'parent', 'done', 'onComplete')
    local total = tonumber(f[2])
    if f[1] and total and not f[3] and (f[4] == '1' or not f[5]) then
      local prefix = 'flow:' .. batch .. ':'
      local left = redis.call('EXISTS', idemKey(f[1], prefix .. 'complete')) == 1
      -- From the member after the one removed: a sweep removing them in order finds the next at once.
      local k = 0
      while not left and k < total do
        left = redis.call('EXISTS', idemKey(f[1], prefix .. ((from + k) % total))) == 1
        k = k + 1
      end
      if not left then groupGone(batch) end
    end
  end
end

local function removeJob(j, batches)
  if j.status == 'pending' then redis.call('ZREM', allPendingKey(j.type), j.id) end
  leavePending(j)
  redis.call('ZREM', RUNNING, j.id)
  redis.call('ZREM', EXPIRING, j.id)
  redis.call('ZREM', tenantKey(j.tenant), j.id)
  redis.call('ZREM', statusKey(j.status, j.tenant), j.id)
  redis.call('HINCRBY', countsKey(j.tenant), j.status .. ':' .. j.type, -1)
  if j.idem then
    local k = idemKey(j.tenant, j.idem)
    if redis.call('GET', k) == j.id then redis.call('DEL', k) end
  end
  releaseDedupe(j)
  publish('deleted', j)
  redis.call('DEL', jobKey(j.id))
  if batches then
    dropFlows(j, batches)
  else
    local own = {}
    dropFlows(j, own)
    dropEmptyBatches(own)
  end
end

local function record(id) return redis.call('HGETALL', jobKey(id)) end

-- The fields a lease write (progress, complete) needs: fewer than head() reads, on the hot path.
local function leaseHead(id)
  local f = redis.call('HMGET', jobKey(id), 'tenantId', 'type', 'status', 'createdAt', 'progress', 'message',
    'leaseOwner', 'attempts', 'dedupeKey', 'concurrencyKey')
  if not f[1] then return nil end
  return { id = id, tenant = f[1], type = f[2], status = f[3], createdAt = f[4], progress = f[5],
    message = f[6], owner = f[7], attempts = f[8], dedupe = f[9], ck = f[10] }
end

-- Lease writes from ARGV[at]: n, then n groups of `width` arguments, each starting with job id, worker
-- id, attempt. `write(j, b)` runs for each write whose lease is held (b: the group's first index).
-- Returns one 1/0 per write (whether the lease was held) and the index after its arguments.
local function heldWrites(at, width, write)
  local n = tonumber(ARGV[at])
  local out = {}
  for i = 0, n - 1 do
    local b = at + 1 + i * width
    local j = leaseHead(ARGV[b])
    if held(j, ARGV[b + 1], ARGV[b + 2]) then
      write(j, b)
      out[#out + 1] = 1
    else
      out[#out + 1] = 0
    end
  end
  return out, at + 1 + n * width
end

-- Progress writes from ARGV[at]: n, then n groups of 7: id, worker id, attempt, progress, has message
-- (1/0), message, now. Progress never moves backwards within an attempt; no message keeps the old one.
local function progressMany(at)
  return heldWrites(at, 7, function(j, b)
    local set = { 'updatedAt', ARGV[b + 6] }
    local progress = tonumber(j.progress) or 0
    if tonumber(ARGV[b + 3]) > progress then
      progress = tonumber(ARGV[b + 3])
      set[3], set[4] = 'progress', ARGV[b + 3]
    end
    local message = j.message
    if ARGV[b + 4] == '1' then
      message = ARGV[b + 5]
      set[#set + 1], set[#set + 2] = 'message', message
    end
    redis.call('HSET', jobKey(j.id), unpack(set))
    publishAs('progress', j, progress, message)
  end)
end

-- Completions from ARGV[at]: n, then n groups of 8: id, worker id, attempt, result (JSON), has message
-- (1/0), message, now, expiresAt. No message keeps the old one. A 1 means the job is now complete.
local function completeMany(at)
  return heldWrites(at, 8, function(j, b)
    local extra = { 'progress', 100, 'result', ARGV[b + 3] }
    local message = j.message
    if ARGV[b + 4] == '1' then
      message = ARGV[b + 5]
      extra[5], extra[6] = 'message', message
    end
    finish(j, 'complete', ARGV[b + 6], ARGV[b + 7], 'error', extra)
    publishAs('completed', j, 100, message)
  end)
end

-- Set by tick.lua before the claim's part runs: where the claim's arguments start, and the replies of
-- the writes that ran before it (the claim then answers { progress replies, completion replies, jobs }).
local CLAIM_AT = 3
local DONE = nil

-- Argument checks before the first write ----------------------------------------------------------
-- Redis does not undo a script's writes when it fails half-way. A lease write that failed after some
-- of its writes left the job `running` where reclaim never takes it: a completion whose arguments had
-- another layout (scripts and lease-writes.ts of different versions) deleted the lease owner, then
-- failed at its HSET — running, no owner, never reclaimed; a claim with a bad lease expiry set the
-- status but its batched P:running entry never went out (docs/reliability.md, "stuck running";
-- test/redis.stuck-running.test.ts). So complete, progress, tick and claim check their whole argument
-- list first and refuse it whole, nothing written.
local function badArgs(what) error('bad arguments (nothing written): ' .. what, 0) end

-- A finite number (tonumber reads 'nan' and 'inf' too, which ZADD refuses half-way).
local function finite(v)
  local x = tonumber(v)
  return x ~= nil and x == x and x ~= math.huge and x ~= -math.huge
end

-- n at ARGV[at], then n groups of `width` values whose offsets in `numbers` must be numbers; returns
-- the index after them.
local function checkGroups(at, width, numbers, what)
  local n = tonumber(ARGV[at])
  if n == nil or n < 0 or n % 1 ~= 0 then badArgs(what .. ': no count at ' .. at) end
  local after = at + 1 + n * width
  if after - 1 > #ARGV then badArgs(what .. ': ' .. n .. ' groups of ' .. width .. ' expected') end
  for i = 0, n - 1 do
    for _, k in ipairs(numbers) do
      if not finite(ARGV[at + 1 + i * width + k]) then badArgs(what .. ': a number expected at ' .. (at + 1 + i * width + k)) end
    end
  end
  return after
end

local function checkProgress(at) return checkGroups(at, 7, { 3, 6 }, 'progress') end
local function checkCompletions(at) return checkGroups(at, 8, { 6, 7 }, 'complete') end

-- A claim's arguments from ARGV[at] (none at all: nothing is claimed, a tick that only writes).
local function checkClaim(at)
  if ARGV[at] == nil then return end
  if not (finite(ARGV[at]) and finite(ARGV[at + 1]) and finite(ARGV[at + 3])) then
    badArgs('claim: now, limit and lease expiry must be numbers')
  end
  if (#ARGV - at - 4) % 4 ~= 0 then badArgs('claim: 4 values per type expected') end
end
