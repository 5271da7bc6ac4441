-- reclaim: ARGV[3] = now, ARGV[4] = expiresAt for jobs failed now, ARGV[5] = retry error (JSON),
-- ARGV[6] = final error (JSON), ARGV[7] = n, then n groups of 4: id, worker id, attempt, retryAt
-- ('' = no attempts left). Each job is re-checked: still running under that lease, expired before now.
-- Returns how many were reclaimed.
local now = tonumber(ARGV[3])
local n = tonumber(ARGV[7])
local reclaimed = 0
for i = 0, n - 1 do
  local b = 8 + i * 4
  local j = head(ARGV[b])
  local expiry = redis.call('ZSCORE', RUNNING, ARGV[b])
  -- A job left running without a lease owner (a write that failed half-way, before lib.lua checked
  -- arguments first) is taken too: else nothing would ever end it.
  local ownerless = j ~= nil and j.status == 'running' and not j.owner and ARGV[b + 1] == ''
    and j.attempts == ARGV[b + 2]
  if (ownerless or held(j, ARGV[b + 1], ARGV[b + 2])) and expiry and tonumber(expiry) < now then
    reclaimed = reclaimed + 1
    if ARGV[b + 3] ~= '' then
      redis.call('HSET', jobKey(j.id), 'error', ARGV[5])
      backToPending(j, ARGV[b + 3], ARGV[3])
      publish('retrying', j)
    else
      redis.call('HSET', jobKey(j.id), 'error', ARGV[6])
      finish(j, 'failed', ARGV[3], ARGV[4])
      publish('failed', j)
    end
  end
end
return reclaimed
