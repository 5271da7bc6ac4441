import { JobsError, LEASE_EXPIRED_FINAL_ERROR, LEASE_EXPIRED_RETRY_ERROR } from "../errors.js";
import { transition } from "../state.js";
import type { JobEvent, JobRecord } from "../types.js";
import { eventOf, rowToRecord } from "./rows.js";
import type { Statements } from "./statements.js";

/**
 * The writes people and the sweeper make (cancel, retry, delete, reclaim, retention), as opposed to the
 * workers' hot path. Each runs inside a batch transaction (see batcher.ts), so a read followed by a
 * write here sees no other process in between; each throws before writing, or writes one statement.
 */

export function cancelJob(
  sql: Statements,
  events: JobEvent[],
  tenantId: string,
  jobId: string,
  now: number,
  retentionMs: number,
): JobRecord | null {
  const row = sql.cancel.get(now, now, now + retentionMs, jobId, tenantId);
  if (row !== undefined) {
    const cancelled = rowToRecord(row);
    events.push(eventOf("cancelled", cancelled));
    return cancelled;
  }
  const current = readOwn(sql, tenantId, jobId);
  if (current === null) return null;
  transition(current.status, "cancel"); // throws illegal_transition: the job already finished
  return current;
}

export function retryJob(
  sql: Statements,
  events: JobEvent[],
  tenantId: string,
  jobId: string,
  now: number,
): JobRecord | null {
  const current = readOwn(sql, tenantId, jobId);
  if (current === null) return null;
  transition(current.status, "manual_retry"); // throws illegal_transition unless failed or cancelled
  if (current.dedupeKey !== null) {
    const holder = sql.findLiveByDedupeKey.get(tenantId, current.dedupeKey);
    if (holder !== undefined) {
      const { id, status } = rowToRecord(holder);
      throw new JobsError(
        "conflict",
        `Job ${id} with the same dedupe key is still ${status}; wait for it to finish, then retry.`,
      );
    }
  }
  const retried = rowToRecord(sql.retry.get(now, now, jobId, tenantId)!);
  events.push(eventOf("enqueued", retried));
  return retried;
}

export function deleteJob(sql: Statements, events: JobEvent[], tenantId: string, jobId: string): boolean {
  const row = sql.deleteOwn.get(jobId, tenantId);
  if (row !== undefined) {
    events.push(eventOf("deleted", row));
    return true;
  }
  if (readOwn(sql, tenantId, jobId) === null) return false;
  throw new JobsError("conflict", `Job ${jobId} is running; cancel it first, then delete it.`);
}

/** Expired leases: back to pending while attempts remain, else failed — each write still lease-checked. */
export function reclaimExpired(
  sql: Statements,
  events: JobEvent[],
  now: number,
  retentionMs: number,
  retryAt: (job: JobRecord) => number,
): number {
  let reclaimed = 0;
  for (const job of sql.expiredLeases.all(now).map(rowToRecord)) {
    const held = [job.id, job.leaseOwner ?? "", job.attempts] as const;
    const row =
      job.attempts < job.maxAttempts
        ? sql.failToRetry.withEvent.get(
            LEASE_EXPIRED_RETRY_ERROR.code,
            LEASE_EXPIRED_RETRY_ERROR.message,
            retryAt(job),
            now,
            ...held,
          )
        : sql.failForGood.withEvent.get(
            LEASE_EXPIRED_FINAL_ERROR.code,
            LEASE_EXPIRED_FINAL_ERROR.message,
            now,
            now,
            now + retentionMs,
            ...held,
          );
    if (row === undefined) continue;
    reclaimed += 1;
    events.push(eventOf(row.status === "pending" ? "retrying" : "failed", row));
  }
  return reclaimed;
}

export function deleteExpiredJobs(
  sql: Statements,
  events: JobEvent[],
  cutoff: number,
  limit: number,
): number {
  const rows = sql.deleteExpired.all(cutoff, limit);
  for (const row of rows) events.push(eventOf("deleted", row));
  return rows.length;
}

function readOwn(sql: Statements, tenantId: string, jobId: string): JobRecord | null {
  const row = sql.getOwn.get(jobId, tenantId);
  return row === undefined ? null : rowToRecord(row);
}
