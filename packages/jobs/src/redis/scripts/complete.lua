-- complete: ARGV[3] = n, then n groups of 8: id, worker id, attempt, result (JSON), has message (1/0),
-- message, now, expiresAt. No message keeps the old one.
-- Returns one 1/0 per job: whether the lease was held (and the job is now complete).
local n = tonumber(ARGV[3])
local out = {}
for i = 0, n - 1 do
  local b = 4 + i * 8
  local j = head(ARGV[b])
  if held(j, ARGV[b + 1], ARGV[b + 2]) then
    redis.call('HSET', jobKey(j.id), 'progress', 100, 'result', ARGV[b + 3])
    if ARGV[b + 4] == '1' then redis.call('HSET', jobKey(j.id), 'message', ARGV[b + 5]) end
    finish(j, 'complete', ARGV[b + 6], ARGV[b + 7], 'error')
    publish('completed', j)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
