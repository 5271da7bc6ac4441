-- enqueue: ARGV[3] = fairness ('tenant' | 'fifo'), ARGV[4] = n, then n groups of 13: id, tenant, type,
-- input (JSON), maxAttempts, runAt, now, idempotency key ('' = none), dedupe key ('' = none), priority,
-- concurrency key, rate key, trace context (these three: '' = none, else '=' .. value, so an empty
-- string is a value).
-- Returns per job { created (1/0), record } where record is the flat HGETALL of the job: a new one,
-- or the one holding the idempotency key (checked first) or the live dedupe key.
-- Error "conflict:<id>" when the id is taken by a different job.
-- A due job goes straight to its ready line with its fair round (see fairRound in lib.lua; one cache
-- for the whole call, so a tenant's jobs of one call get consecutive rounds); a delayed one waits in
-- P:p and gets its round when a claim finds it due.
local fairness = ARGV[3]
local n = tonumber(ARGV[4])
local cache = newFairCache()
local knownTypes, knownTenants = {}, {} -- registered already by this call
local out = {}
local function optionalKey(arg)
  if arg == '' then return nil end
  return string.sub(arg, 2)
end
for i = 0, n - 1 do
  local b = 5 + i * 13
  local id, tenant, jobType, input = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local maxAttempts, runAt, now, idem, dedupe = ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8]
  local priority, ck, rk = tonumber(ARGV[b + 9]) or 0, optionalKey(ARGV[b + 10]), optionalKey(ARGV[b + 11])
  local trace = optionalKey(ARGV[b + 12])
  local existing = nil
  if idem ~= '' then existing = redis.call('GET', idemKey(tenant, idem)) end
  if not existing and dedupe ~= '' then existing = redis.call('GET', dedupeKey(tenant, dedupe)) end
  if existing then
    out[#out + 1] = { 0, record(existing) }
  elseif redis.call('EXISTS', jobKey(id)) == 1 then
    local same = redis.call('HMGET', jobKey(id), 'tenantId', 'type', 'createdAt')
    -- The same job sent twice (a command resent after a dropped connection): it was created.
    if same[1] ~= tenant or same[2] ~= jobType or same[3] ~= now then
      fairFlush(cache) -- the jobs placed before this one stay (a script's writes are not undone)
      return redis.error_reply('conflict:' .. id)
    end
    out[#out + 1] = { 1, record(id) }
  else
    redis.call('HSET', jobKey(id), 'id', id, 'tenantId', tenant, 'type', jobType, 'progress', 0,
      'input', input, 'attempts', 0, 'maxAttempts', maxAttempts, 'createdAt', now, 'updatedAt', now,
      'priority', priority, 'runAt', runAt)
    local j = { id = id, tenant = tenant, type = jobType, createdAt = now, priority = priority, ck = ck, rk = rk,
      runAt = runAt }
    if ck then redis.call('HSET', jobKey(id), 'concurrencyKey', ck) end
    if rk then redis.call('HSET', jobKey(id), 'rateKey', rk) end
    if trace then redis.call('HSET', jobKey(id), 'traceContext', trace) end
    if idem ~= '' then
      redis.call('HSET', jobKey(id), 'idempotencyKey', idem)
      redis.call('SET', idemKey(tenant, idem), id)
    end
    if dedupe ~= '' then
      redis.call('HSET', jobKey(id), 'dedupeKey', dedupe)
      redis.call('SET', dedupeKey(tenant, dedupe), id)
    end
    if not knownTypes[jobType] then
      knownTypes[jobType] = true
      redis.call('SADD', TYPES, jobType)
    end
    if not knownTenants[tenant] then
      knownTenants[tenant] = true
      redis.call('SADD', TENANTS, tenant)
    end
    redis.call('ZADD', tenantKey(tenant), now, id)
    setStatus(j, 'pending')
    enqueuePending(j, runAt, now, fairness, cache)
    publish('enqueued', j)
    out[#out + 1] = { 1, record(id) }
  end
end
fairFlush(cache)
return out
