-- retry: ARGV[3] = tenant, ARGV[4] = id, ARGV[5] = now.
-- A failed or cancelled job goes back in line with a fresh attempt budget. Returns the record; nil
-- when unknown or another tenant's; error "illegal:<status>" for any other status, and
-- "conflict:<holder id>" when another live job holds its dedupe key.
local j = head(ARGV[4])
if j == nil or j.tenant ~= ARGV[3] then return nil end
if j.status ~= 'failed' and j.status ~= 'cancelled' then return redis.error_reply('illegal:' .. j.status) end
if j.dedupe then
  local k = dedupeKey(j.tenant, j.dedupe)
  local holder = redis.call('GET', k)
  if holder and holder ~= j.id then return redis.error_reply('conflict:' .. holder) end
  redis.call('SET', k, j.id)
end
redis.call('ZREM', EXPIRING, j.id)
redis.call('HDEL', jobKey(j.id), 'message', 'result', 'error', 'startedAt', 'finishedAt', 'expiresAt')
redis.call('HSET', jobKey(j.id), 'attempts', 0, 'progress', 0, 'updatedAt', ARGV[5])
j.runAt = ARGV[5]
setStatus(j, 'pending')
-- Through the delayed line, due now: the next claim places it with a fresh round.
enqueueDelayed(j, ARGV[5])
publish('enqueued', j)
return record(j.id)
