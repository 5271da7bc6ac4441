-- extend lease: ARGV[3] = id, ARGV[4] = worker id, ARGV[5] = attempt, ARGV[6] = new expiry.
-- Returns 1 when the lease was held (and is now extended), else 0.
local j = head(ARGV[3])
if not held(j, ARGV[4], ARGV[5]) then return 0 end
redis.call('HSET', jobKey(j.id), 'leaseExpiresAt', ARGV[6])
redis.call('ZADD', RUNNING, ARGV[6], j.id)
return 1
