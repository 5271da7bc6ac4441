-- schedules: ARGV[3] = operation, then its arguments. A schedule is the hash P:sched:<name> (fields
-- name, task, cron, timezone (absent = null), input (JSON, as the caller wrote it), tenantId, paused
-- (1/0), lastFireAt (absent = null), createdAt, updatedAt); P:scheds holds the names, score 0, so
-- ZRANGE lists them by name (byte order).
--   save <name> <task> <cron> <has timezone 1/0> <timezone> <input> <tenantId> <createdAt> <now>
--        -> the stored hash; replaces the definition, keeps paused, lastFireAt and createdAt
--   pause <name> <paused 1/0> <now> -> the stored hash, or nil when unknown
--   advance <name> <fireAt> <now> -> 1 when lastFireAt was null or < fireAt (and is now fireAt), else 0;
--        one script at a time, so of several processes racing for one fire exactly one gets 1
--   delete <name> -> 1 when there was one, else 0
--   list -> every stored hash, by name
local op = ARGV[3]
local SCHEDS = P .. ':scheds'
local function schedKey(name) return P .. ':sched:' .. name end

if op == 'save' then
  local name = ARGV[4]
  local k = schedKey(name)
  redis.call('HSET', k, 'name', name, 'task', ARGV[5], 'cron', ARGV[6], 'input', ARGV[9],
    'tenantId', ARGV[10], 'updatedAt', ARGV[12])
  if ARGV[7] == '1' then redis.call('HSET', k, 'timezone', ARGV[8]) else redis.call('HDEL', k, 'timezone') end
  redis.call('HSETNX', k, 'paused', '0')
  redis.call('HSETNX', k, 'createdAt', ARGV[11])
  redis.call('ZADD', SCHEDS, 0, name)
  return redis.call('HGETALL', k)
elseif op == 'pause' then
  local k = schedKey(ARGV[4])
  if redis.call('EXISTS', k) == 0 then return nil end
  redis.call('HSET', k, 'paused', ARGV[5], 'updatedAt', ARGV[6])
  return redis.call('HGETALL', k)
elseif op == 'advance' then
  local k = schedKey(ARGV[4])
  if redis.call('EXISTS', k) == 0 then return 0 end
  local last = tonumber(redis.call('HGET', k, 'lastFireAt'))
  if last ~= nil and last >= tonumber(ARGV[5]) then return 0 end
  redis.call('HSET', k, 'lastFireAt', ARGV[5], 'updatedAt', ARGV[6])
  return 1
elseif op == 'delete' then
  redis.call('ZREM', SCHEDS, ARGV[4])
  return redis.call('DEL', schedKey(ARGV[4]))
elseif op == 'list' then
  local out = {}
  for _, name in ipairs(redis.call('ZRANGE', SCHEDS, 0, -1)) do
    local flat = redis.call('HGETALL', schedKey(name))
    if #flat > 0 then out[#out + 1] = flat end
  end
  return out
end
return redis.error_reply('unknown schedules operation ' .. tostring(op))
