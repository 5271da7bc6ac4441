-- progress: ARGV[3] = n, then n groups of 7: id, worker id, attempt, progress, has message (1/0),
-- message, now (see progressMany in lib.lua). Progress never moves backwards within an attempt; no
-- message keeps the old one. Returns one 1/0 per write: whether the lease was held.
if checkProgress(3) - 1 ~= #ARGV then badArgs('progress: more values than its groups') end
beginBatch()
local out = progressMany(3)
flushWrites()
return out
