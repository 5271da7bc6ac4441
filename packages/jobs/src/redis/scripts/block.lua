-- block rate key: ARGV[3] = type, ARGV[4] = rate key, ARGV[5] = until.
-- Blocks the bucket until `until`, keeping a later block already there. A group of the key that is
-- parked on its rate bucket wakes at its old time, is checked again by that claim and parked anew
-- until the block ends; one that is not parked is parked by the next limited claim that meets it.
local k, key, untilAt = blockedKey(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local current = tonumber(redis.call('HGET', k, key))
if current == nil or untilAt > current then redis.call('HSET', k, key, ARGV[5]) end
return 1
