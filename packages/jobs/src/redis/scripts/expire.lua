-- expire: ARGV[3] = cutoff, ARGV[4] = limit.
-- Deletes up to `limit` terminal jobs whose expiresAt <= cutoff. Returns how many.
-- Their flow records go too; each batch they were members of is checked once, after the deletes.
local ids = redis.call('ZRANGEBYSCORE', EXPIRING, '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
local batches = {}
for _, id in ipairs(ids) do
  local j = head(id)
  if j == nil then redis.call('ZREM', EXPIRING, id) else removeJob(j, batches) end
end
dropEmptyBatches(batches)
return #ids
