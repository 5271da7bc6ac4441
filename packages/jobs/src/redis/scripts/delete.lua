-- delete: ARGV[3] = tenant, ARGV[4] = id.
-- Returns 1 when deleted, 0 when unknown or another tenant's; error "running" for a running job.
local j = head(ARGV[4])
if j == nil or j.tenant ~= ARGV[3] then return 0 end
if j.status == 'running' then return redis.error_reply('running') end
removeJob(j)
return 1
