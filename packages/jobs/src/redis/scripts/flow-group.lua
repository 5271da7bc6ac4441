-- flow-group: groups of jobs (a parent's children, a batch). Keys: P:grp:<id> hash (tenantId, parent,
-- total, remaining, onComplete, done, createdAt); P:grp-ends:<id> set of the member indexes counted;
-- P:grp-of:<parent> zset of a parent's groups by createdAt; P:grp-open zset of groups not done.
-- ARGV[3] = operation:
--   create <id> <tenantId> <parent|''> <total> <onComplete|''> <createdAt>: unless it exists -> 1, else 0
--   ended <id> <index>: counts the member's end once -> the new remaining, or false
--   done <id>: marks the group's end as acted on
local op = ARGV[3]
local key = P .. ':grp:' .. ARGV[4]
if op == 'create' then
  if redis.call('EXISTS', key) == 1 then return 0 end
  redis.call('HSET', key, 'tenantId', ARGV[5], 'total', ARGV[7], 'remaining', ARGV[7],
    'done', '0', 'createdAt', ARGV[9])
  if ARGV[6] ~= '' then
    redis.call('HSET', key, 'parent', ARGV[6])
    redis.call('ZADD', P .. ':grp-of:' .. ARGV[6], ARGV[9], ARGV[4])
  end
  if ARGV[8] ~= '' then redis.call('HSET', key, 'onComplete', ARGV[8]) end
  redis.call('ZADD', P .. ':grp-open', ARGV[9], ARGV[4])
  return 1
elseif op == 'ended' then
  local total = tonumber(redis.call('HGET', key, 'total'))
  local index = tonumber(ARGV[5])
  if total == nil or index < 0 or index >= total then return false end
  if redis.call('SADD', P .. ':grp-ends:' .. ARGV[4], ARGV[5]) == 0 then return false end
  return redis.call('HINCRBY', key, 'remaining', -1)
elseif op == 'done' then
  if redis.call('EXISTS', key) == 0 then return 0 end
  redis.call('HSET', key, 'done', '1')
  redis.call('ZREM', P .. ':grp-open', ARGV[4])
  return 1
end
return redis.error_reply('flow-group: unknown operation ' .. tostring(op))
