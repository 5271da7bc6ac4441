import type { JobRecord, NewJob } from "../types.js";

/** A job as the memory store keeps it: the record plus its place in the pending heap. */
export type StoredJob = JobRecord & {
  /** Matches the live heap entry while pending; -1 once deleted. Stale heap entries are skipped. */
  seq: number;
  /** Its place in its tenant's line once due (see PendingIndex). */
  round: number;
};

/** Callers get copies, so they cannot change the store's state by mutating what they read. */
export function snapshot(job: StoredJob): JobRecord {
  return {
    id: job.id,
    tenantId: job.tenantId,
    type: job.type,
    status: job.status,
    progress: job.progress,
    message: job.message,
    input: job.input,
    result: job.result,
    error: job.error,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    runAt: job.runAt,
    leaseOwner: job.leaseOwner,
    leaseExpiresAt: job.leaseExpiresAt,
    idempotencyKey: job.idempotencyKey,
    dedupeKey: job.dedupeKey,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    expiresAt: job.expiresAt,
    priority: job.priority,
    concurrencyKey: job.concurrencyKey,
    rateKey: job.rateKey,
    traceContext: job.traceContext,
  };
}

/** A new pending job as the store keeps it (not yet in line: `seq` is set when it is queued). */
export function newStoredJob(input: NewJob): StoredJob {
  return {
    id: input.id,
    tenantId: input.tenantId,
    type: input.type,
    status: "pending",
    progress: 0,
    message: null,
    input: input.input,
    result: null,
    error: null,
    attempts: 0,
    maxAttempts: input.maxAttempts,
    runAt: input.runAt,
    leaseOwner: null,
    leaseExpiresAt: null,
    idempotencyKey: input.idempotencyKey ?? null,
    dedupeKey: input.dedupeKey ?? null,
    createdAt: input.now,
    updatedAt: input.now,
    startedAt: null,
    finishedAt: null,
    expiresAt: null,
    priority: input.priority ?? 0,
    concurrencyKey: input.concurrencyKey ?? null,
    rateKey: input.rateKey ?? null,
    traceContext: input.traceContext ?? null,
    seq: 0,
    round: 0,
  };
}
