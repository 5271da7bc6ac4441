-- complete: ARGV[3] = n, then n groups of 8: id, worker id, attempt, result (JSON), has message (1/0),
-- message, now, expiresAt (see completeMany in lib.lua). No message keeps the old one.
-- Returns one 1/0 per job: whether the lease was held (and the job is now complete).
if checkCompletions(3) - 1 ~= #ARGV then badArgs('complete: more values than its groups') end
beginBatch()
local out = completeMany(3)
flushWrites()
return out
