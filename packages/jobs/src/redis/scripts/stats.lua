-- stats: ARGV[3] = now. Returns per job type with pending or running jobs { type, pending, due, running,
-- oldest due runAt ('' = none) } (the caller sorts them). Reads indexes only: per type a ZCARD, a ZCOUNT and a
-- ZRANGEBYSCORE LIMIT 1 of P:pa (every pending job by runAt), and P:nrun — O(types × log n).
local now = ARGV[3]
local types = redis.call('SMEMBERS', TYPES)

local running = redis.call('HGETALL', RUN_BY_TYPE)
local runningOf = {}
for k = 1, #running, 2 do runningOf[running[k]] = tonumber(running[k + 1]) end
local out = {}
for _, t in ipairs(types) do
  local pending = redis.call('ZCARD', allPendingKey(t))
  local run = runningOf[t] or 0
  if pending > 0 or run > 0 then
    local due = redis.call('ZCOUNT', allPendingKey(t), '-inf', now)
    local oldest = redis.call('ZRANGEBYSCORE', allPendingKey(t), '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1)
    out[#out + 1] = { t, pending, due, run, oldest[2] or '' }
  end
end
return out
