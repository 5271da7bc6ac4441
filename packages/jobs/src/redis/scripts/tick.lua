-- tick: one worker's round in one call — the progress writes and completions issued since its last
-- call, then its next claim. ARGV[3] = np, then np progress writes (7 values each, see progressMany in
-- lib.lua), then nc, then nc completions (8 values each, see completeMany), then the claim's arguments
-- exactly as claim.lua takes them from its ARGV[3] (now, limit, worker id, lease expiry, fairness,
-- types…; none at all: a flush of the writes, nothing claimed). Runs as lib.lua .. tick.lua .. claim.lua (scripts.ts).
-- Returns { progress replies, completion replies, claimed records }.
checkClaim(checkCompletions(checkProgress(3)))
beginBatch()
local progressed, afterProgress = progressMany(3)
local completed, afterCompletions = completeMany(afterProgress)
DONE = { progressed, completed }
CLAIM_AT = afterCompletions
