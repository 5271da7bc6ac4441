-- fail: ARGV[3] = id, ARGV[4] = worker id, ARGV[5] = attempt, ARGV[6] = error (JSON),
-- ARGV[7] = retryAt ('' = fail for good), ARGV[8] = now, ARGV[9] = expiresAt if final.
-- Returns 1 when the lease was held, else 0.
local j = head(ARGV[3])
if not held(j, ARGV[4], ARGV[5]) then return 0 end
redis.call('HSET', jobKey(j.id), 'error', ARGV[6])
if ARGV[7] ~= '' then
  backToPending(j, ARGV[7], ARGV[8])
  publish('retrying', j)
else
  finish(j, 'failed', ARGV[8], ARGV[9])
  publish('failed', j)
end
return 1
