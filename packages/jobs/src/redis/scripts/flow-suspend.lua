-- flow-suspend: ARGV[3] = id, ARGV[4] = worker id, ARGV[5] = attempt, ARGV[6] = runAt, ARGV[7] = now.
-- Running -> pending at runAt (ctx.sleep, ctx.waitForChildren): the delayed line, placed when due,
-- like a retry, but the attempt is given back (not counted) and no error is set.
-- Returns 1 when the lease was held, else 0.
local j = head(ARGV[3])
if not held(j, ARGV[4], ARGV[5]) then return 0 end
local attempts = redis.call('HINCRBY', jobKey(j.id), 'attempts', -1)
if attempts == 0 then redis.call('HDEL', jobKey(j.id), 'startedAt') end
backToPending(j, ARGV[6], ARGV[7])
publish('enqueued', j)
return 1
