-- enqueue: ARGV[3] = n, then n groups of 9: id, tenant, type, input (JSON), maxAttempts, runAt, now,
-- idempotency key ('' = none), dedupe key ('' = none).
-- Returns per job { created (1/0), record } where record is the flat HGETALL of the job: a new one,
-- or the one holding the idempotency key (checked first) or the live dedupe key.
-- Error "conflict:<id>" when the id is taken by a different job.
local n = tonumber(ARGV[3])
local out = {}
for i = 0, n - 1 do
  local b = 4 + i * 9
  local id, tenant, jobType, input = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local maxAttempts, runAt, now, idem, dedupe = ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8]
  local existing = nil
  if idem ~= '' then existing = redis.call('GET', idemKey(tenant, idem)) end
  if not existing and dedupe ~= '' then existing = redis.call('GET', dedupeKey(tenant, dedupe)) end
  if existing then
    out[#out + 1] = { 0, record(existing) }
  elseif redis.call('EXISTS', jobKey(id)) == 1 then
    local same = redis.call('HMGET', jobKey(id), 'tenantId', 'type', 'createdAt')
    -- The same job sent twice (a command resent after a dropped connection): it was created.
    if same[1] ~= tenant or same[2] ~= jobType or same[3] ~= now then
      return redis.error_reply('conflict:' .. id)
    end
    out[#out + 1] = { 1, record(id) }
  else
    redis.call('HSET', jobKey(id), 'id', id, 'tenantId', tenant, 'type', jobType, 'progress', 0,
      'input', input, 'attempts', 0, 'maxAttempts', maxAttempts, 'createdAt', now, 'updatedAt', now)
    local j = { id = id, tenant = tenant, type = jobType, createdAt = now }
    if idem ~= '' then
      redis.call('HSET', jobKey(id), 'idempotencyKey', idem)
      redis.call('SET', idemKey(tenant, idem), id)
    end
    if dedupe ~= '' then
      redis.call('HSET', jobKey(id), 'dedupeKey', dedupe)
      redis.call('SET', dedupeKey(tenant, dedupe), id)
    end
    redis.call('ZADD', tenantKey(tenant), now, id)
    setStatus(j, 'pending')
    enqueuePending(j, runAt)
    publish('enqueued', j)
    out[#out + 1] = { 1, record(id) }
  end
end
return out
