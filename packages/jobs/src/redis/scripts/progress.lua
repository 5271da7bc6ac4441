-- progress: ARGV[3] = n, then n groups of 7: id, worker id, attempt, progress, has message (1/0),
-- message, now. Progress never moves backwards within an attempt; no message keeps the old one.
-- Returns one 1/0 per write: whether the lease was held.
local n = tonumber(ARGV[3])
local out = {}
for i = 0, n - 1 do
  local b = 4 + i * 7
  local j = head(ARGV[b])
  if held(j, ARGV[b + 1], ARGV[b + 2]) then
    if tonumber(ARGV[b + 3]) > (tonumber(j.progress) or 0) then
      redis.call('HSET', jobKey(j.id), 'progress', ARGV[b + 3])
    end
    if ARGV[b + 4] == '1' then redis.call('HSET', jobKey(j.id), 'message', ARGV[b + 5]) end
    redis.call('HSET', jobKey(j.id), 'updatedAt', ARGV[b + 6])
    publish('progress', j)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
