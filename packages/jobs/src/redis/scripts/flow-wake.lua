-- flow-wake: ARGV[3] = id, ARGV[4] = now. A pending job waiting in the delayed line past now becomes
-- due now (same place in line); the next claim places it in its ready line. Returns 1 if it moved.
local j = head(ARGV[3])
if j == nil or j.status ~= 'pending' or j.q ~= 'w' or tonumber(j.runAt) <= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', pendingKey(j.type), ARGV[4], j.pm)
redis.call('ZADD', allPendingKey(j.type), ARGV[4], j.id)
redis.call('HSET', jobKey(j.id), 'runAt', ARGV[4], 'updatedAt', ARGV[4])
j.runAt = ARGV[4]
publish('enqueued', j)
return 1
