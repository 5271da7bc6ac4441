-- release: ARGV[3] = id, ARGV[4] = worker id, ARGV[5] = attempt, ARGV[6] = now.
-- Gives a running job back (graceful shutdown): pending again in the place it was claimed from (same
-- ready score and place in line, so it goes out first again), the attempt not counted.
-- Returns 1 when the lease was held, else 0.
local j = head(ARGV[3])
if not held(j, ARGV[4], ARGV[5]) then return 0 end
local attempts = redis.call('HINCRBY', jobKey(j.id), 'attempts', -1)
if attempts == 0 then redis.call('HDEL', jobKey(j.id), 'startedAt') end
leaveRunning(j, ARGV[6])
if j.sc and j.pm then
  makeReady(j, tonumber(j.sc), j.pm)
else
  enqueueDelayed(j, j.runAt) -- claimed under layout 1, which kept no place: a new one at its runAt
end
publish('enqueued', j)
return 1
