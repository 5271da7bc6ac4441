-- claim: ARGV[3] = now, ARGV[4] = limit, ARGV[5] = worker id, ARGV[6] = lease expiry, ARGV[7..] = types.
-- Moves up to `limit` due pending jobs (earliest runAt, then place in line, across the types) to
-- running under a new lease. Returns their records in that order.
local now, limit, owner, leaseExpiresAt = ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local candidates = {}
for t = 7, #ARGV do
  local due = redis.call('ZRANGEBYSCORE', pendingKey(ARGV[t]), '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
  for k = 1, #due, 2 do
    candidates[#candidates + 1] = { member = due[k], runAt = tonumber(due[k + 1]), type = ARGV[t] }
  end
end
table.sort(candidates, function(a, b)
  if a.runAt ~= b.runAt then return a.runAt < b.runAt end
  return a.member < b.member
end)
local out = {}
for k = 1, math.min(limit, #candidates) do
  local c = candidates[k]
  local id = string.sub(c.member, 18)
  redis.call('ZREM', pendingKey(c.type), c.member)
  local j = head(id)
  j.pm = nil
  redis.call('HDEL', jobKey(id), 'pm')
  redis.call('HINCRBY', jobKey(id), 'attempts', 1)
  redis.call('HSET', jobKey(id), 'leaseOwner', owner, 'leaseExpiresAt', leaseExpiresAt, 'startedAt', now,
    'updatedAt', now, 'progress', 0)
  redis.call('ZADD', RUNNING, leaseExpiresAt, id)
  setStatus(j, 'running')
  publish('started', j)
  out[#out + 1] = record(id)
end
return out
