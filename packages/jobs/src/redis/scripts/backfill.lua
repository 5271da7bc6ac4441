-- backfill (layout 3, see ../layout.ts): builds the indexes that layout 3 added for jobs written before.
-- ARGV[3] = step, then its arguments:
--   snapshot <tenant> <tmp key> -> copies the tenant's pending ids to <tmp key> (so the next step pages a
--        list that nothing else changes) and registers the tenant in P:tenants; returns how many
--   pending <tmp key> <start> <stop> -> each job of that slice still pending goes in P:pa by runAt and
--        its type in P:types (jobs that changed meanwhile were indexed by the script that changed them)
--   running -> recounts P:nrun from P:running in one go (a count kept from then on by setStatus)
local step = ARGV[3]
if step == 'snapshot' then
  redis.call('SADD', TENANTS, ARGV[4])
  return redis.call('ZUNIONSTORE', ARGV[5], 1, statusKey('pending', ARGV[4]))
elseif step == 'pending' then
  for _, id in ipairs(redis.call('ZRANGE', ARGV[4], ARGV[5], ARGV[6])) do
    local f = redis.call('HMGET', jobKey(id), 'status', 'type', 'runAt')
    if f[1] == 'pending' then
      redis.call('ZADD', allPendingKey(f[2]), f[3] or 0, id)
      redis.call('SADD', TYPES, f[2])
    end
  end
  return 1
elseif step == 'running' then
  local counts = {}
  for _, id in ipairs(redis.call('ZRANGE', RUNNING, 0, -1)) do
    local f = redis.call('HMGET', jobKey(id), 'status', 'type')
    if f[1] == 'running' then counts[f[2]] = (counts[f[2]] or 0) + 1 end
  end
  redis.call('DEL', RUN_BY_TYPE)
  for t, n in pairs(counts) do
    redis.call('HSET', RUN_BY_TYPE, t, n)
    redis.call('SADD', TYPES, t)
  end
  return 1
end
return redis.error_reply('unknown backfill step ' .. tostring(step))
