-- cancel: ARGV[3] = tenant, ARGV[4] = id, ARGV[5] = now, ARGV[6] = expiresAt.
-- Returns the record after the change; nil when unknown or another tenant's; error
-- "illegal:<status>" when the job already finished.
local j = head(ARGV[4])
if j == nil or j.tenant ~= ARGV[3] then return nil end
if j.status ~= 'pending' and j.status ~= 'running' then return redis.error_reply('illegal:' .. j.status) end
finish(j, 'cancelled', ARGV[5], ARGV[6])
publish('cancelled', j)
return record(j.id)
