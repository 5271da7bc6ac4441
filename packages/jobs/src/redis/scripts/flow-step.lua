-- flow-step: ARGV[3] = id, ARGV[4] = worker id, ARGV[5] = attempt, ARGV[6] = step name,
-- ARGV[7] = the step record (JSON), ARGV[8] = now. Stores the step in P:steps:<id> (hash: name ->
-- 10-digit order .. record) only while the lease is held. Returns 1 when it was, else 0.
local j = head(ARGV[3])
if not held(j, ARGV[4], ARGV[5]) then return 0 end
local key = P .. ':steps:' .. j.id
local order = redis.call('HLEN', key)
local old = redis.call('HGET', key, ARGV[6])
if old then order = tonumber(string.sub(old, 1, 10)) end
redis.call('HSET', key, ARGV[6], string.format('%010d', order) .. ARGV[7])
redis.call('HSET', jobKey(j.id), 'updatedAt', ARGV[8])
return 1
