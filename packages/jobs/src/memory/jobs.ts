import { transition } from "../state.js";
import type { Lease } from "../types.js";
import { KeyIndex } from "./keys.js";
import { Listeners } from "./listeners.js";
import { PendingIndex } from "./pending-index.js";
import type { StoredJob } from "./record.js";

/**
 * The memory store's state and the bookkeeping every write shares: all jobs by id, the pending
 * queues, the idempotency/dedupe keys, and a small map of running jobs — lease checks (every heartbeat,
 * progress write and completion) look there instead of in the map of all jobs, and reclaim never
 * scans everything.
 */
export class MemoryJobs {
  readonly all = new Map<string, StoredJob>();
  readonly running = new Map<string, StoredJob>();
  readonly pending = new PendingIndex();
  readonly keys = new KeyIndex();
  readonly listeners = new Listeners();

  /** The running job `lease` names, if the lease still holds. */
  held(lease: Lease): StoredJob | undefined {
    const job = this.running.get(lease.jobId);
    if (
      job === undefined ||
      job.status !== "running" ||
      job.leaseOwner !== lease.workerId ||
      job.attempts !== lease.attempt
    ) {
      return undefined;
    }
    return job;
  }

  /** The job if it exists and belongs to `tenantId`. */
  owned(tenantId: string, jobId: string): StoredJob | undefined {
    const job = this.all.get(jobId);
    return job !== undefined && job.tenantId === tenantId ? job : undefined;
  }

  /** Running → pending again (a retry or a release): lease cleared, back in line at `runAt`. */
  scheduleRetry(job: StoredJob, event: "retry_scheduled" | "release", runAt: number, now: number): void {
    job.status = transition(job.status, event);
    job.runAt = runAt;
    job.leaseOwner = null;
    job.leaseExpiresAt = null;
    job.updatedAt = now;
    this.running.delete(job.id);
    this.pending.push(job, now);
  }

  /** Bookkeeping shared by every move into a terminal status (the caller sets the status). */
  finish(job: StoredJob, now: number, retentionMs: number): void {
    job.leaseOwner = null;
    job.leaseExpiresAt = null;
    job.finishedAt = now;
    job.expiresAt = now + retentionMs;
    job.updatedAt = now;
    this.running.delete(job.id);
    this.keys.releaseDedupe(job);
  }

  remove(job: StoredJob): void {
    this.all.delete(job.id);
    job.seq = -1;
    this.keys.forget(job);
    this.listeners.emit("deleted", job);
  }
}
