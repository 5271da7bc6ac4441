-- Shared by every script (prepended to each): key names and the bookkeeping of a status change.
-- Every script takes ARGV[1] = key prefix, ARGV[2] = origin (the store instance that calls it, carried
-- in each event for diagnostics); its own arguments start at ARGV[3].
--
-- Keys (P = prefix):
--   P:job:<id>            hash: the job record; an absent field is null
--   P:p:<type>            zset of pending jobs by runAt; member = 16-digit place in line .. ':' .. id
--   P:running             zset of running job ids by lease expiry (reclaim reads the expired end)
--   P:expiring            zset of terminal job ids by expiresAt (the retention sweeper's work list)
--   P:t:<tenant>          zset of a tenant's job ids by createdAt (list, newest first)
--   P:ts:<status>:<tenant> zset of a tenant's job ids in one status by createdAt (list by status, counts)
--   P:c:<tenant>          hash: <status>:<type> -> count (counts by type)
--   P:i:<len>:<tenant>:<key>  idempotency key -> job id, for the job's life
--   P:d:<len>:<tenant>:<key>  dedupe key -> job id, while the job is pending or running
--   P:seq                 counter for places in line
--   P:events              pub/sub channel of JobEvents
-- Times are epoch ms passed in by the caller as strings: scripts never read Redis's clock.

local P = ARGV[1]
local ORIGIN = ARGV[2]

local function jobKey(id) return P .. ':job:' .. id end
local function pendingKey(jobType) return P .. ':p:' .. jobType end
local RUNNING = P .. ':running'
local EXPIRING = P .. ':expiring'
local function tenantKey(tenant) return P .. ':t:' .. tenant end
local function statusKey(status, tenant) return P .. ':ts:' .. status .. ':' .. tenant end
local function countsKey(tenant) return P .. ':c:' .. tenant end
local function idemKey(tenant, key) return P .. ':i:' .. #tenant .. ':' .. tenant .. ':' .. key end
local function dedupeKey(tenant, key) return P .. ':d:' .. #tenant .. ':' .. tenant .. ':' .. key end

-- The fields a status change and its event need, read in one call.
local function head(id)
  local f = redis.call('HMGET', jobKey(id), 'tenantId', 'type', 'status', 'createdAt', 'progress',
    'message', 'leaseOwner', 'attempts', 'dedupeKey', 'runAt', 'pm', 'idempotencyKey')
  if not f[1] then return nil end
  return { id = id, tenant = f[1], type = f[2], status = f[3], createdAt = f[4], progress = f[5],
    message = f[6], owner = f[7], attempts = f[8], dedupe = f[9], runAt = f[10], pm = f[11],
    idem = f[12] }
end

-- True when `attempt` (a decimal string) of `owner` still holds the job's lease.
local function held(j, owner, attempt)
  return j ~= nil and j.status == 'running' and j.owner == owner and j.attempts == attempt
end

-- Moves the job between the per-tenant status index and counters.
local function setStatus(j, to)
  local from = j.status
  if from then
    redis.call('ZREM', statusKey(from, j.tenant), j.id)
    redis.call('HINCRBY', countsKey(j.tenant), from .. ':' .. j.type, -1)
  end
  redis.call('ZADD', statusKey(to, j.tenant), j.createdAt, j.id)
  redis.call('HINCRBY', countsKey(j.tenant), to .. ':' .. j.type, 1)
  redis.call('HSET', jobKey(j.id), 'status', to)
  j.status = to
end

-- Puts the job in line at `runAt` (a new place, behind jobs already due then).
local function enqueuePending(j, runAt)
  local member = string.format('%016d', redis.call('INCR', P .. ':seq')) .. ':' .. j.id
  redis.call('ZADD', pendingKey(j.type), runAt, member)
  redis.call('HSET', jobKey(j.id), 'pm', member, 'runAt', runAt)
  j.pm = member
end

local function leavePending(j)
  if j.pm then
    redis.call('ZREM', pendingKey(j.type), j.pm)
    redis.call('HDEL', jobKey(j.id), 'pm')
    j.pm = nil
  end
end

-- Frees the dedupe key if this job holds it (a finished job no longer blocks a new one).
local function releaseDedupe(j)
  if j.dedupe then
    local k = dedupeKey(j.tenant, j.dedupe)
    if redis.call('GET', k) == j.id then redis.call('DEL', k) end
  end
end

-- Running or pending -> a terminal status, kept until expiresAt.
local function finish(j, status, now, expiresAt)
  leavePending(j)
  redis.call('ZREM', RUNNING, j.id)
  redis.call('HDEL', jobKey(j.id), 'leaseOwner', 'leaseExpiresAt')
  redis.call('HSET', jobKey(j.id), 'finishedAt', now, 'expiresAt', expiresAt, 'updatedAt', now)
  redis.call('ZADD', EXPIRING, expiresAt, j.id)
  setStatus(j, status)
  releaseDedupe(j)
end

-- Running -> pending again at runAt (a retry or a release).
local function backToPending(j, runAt, now)
  redis.call('ZREM', RUNNING, j.id)
  redis.call('HDEL', jobKey(j.id), 'leaseOwner', 'leaseExpiresAt')
  redis.call('HSET', jobKey(j.id), 'updatedAt', now)
  setStatus(j, 'pending')
  enqueuePending(j, runAt)
end

-- Publishes the job's JobEvent; re-reads progress and message, which the caller may just have set.
local function publish(kind, j)
  local f = redis.call('HMGET', jobKey(j.id), 'progress', 'message')
  redis.call('PUBLISH', P .. ':events', cjson.encode({
    o = ORIGIN, kind = kind, jobId = j.id, tenantId = j.tenant, type = j.type, status = j.status,
    progress = tonumber(f[1]) or 0, message = f[2] or cjson.null }))
end

-- Removes every trace of the job (delete and retention).
local function removeJob(j)
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
end

local function record(id) return redis.call('HGETALL', jobKey(id)) end
