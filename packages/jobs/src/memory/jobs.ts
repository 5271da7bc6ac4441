import { transition } from "../state.js";
import type { Fairness, Lease } from "../types.js";
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
  readonly pending: PendingIndex;
  readonly keys = new KeyIndex();
  readonly listeners = new Listeners();
  /** Called for each removed job, after its keys are forgotten (the flows drop its steps and groups). */
  onRemove: ((job: StoredJob) => void) | undefined;

  constructor(fairness: Fairness) {
    this.pending = new PendingIndex(fairness);
  }

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

  /**
   * Running → pending again: a retry goes back in line at `runAt` (a new place, given when due), a
   * release (shutdown) to the place it had.
   */
  scheduleRetry(job: StoredJob, event: "retry_scheduled" | "release", runAt: number, now: number): void {
    job.status = transition(job.status, event);
    job.runAt = runAt;
    job.leaseOwner = null;
    job.leaseExpiresAt = null;
    job.updatedAt = now;
    this.running.delete(job.id);
    if (event === "release") this.pending.putBack(job);
    else this.pending.push(job, now);
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
    this.onRemove?.(job);
    this.listeners.emit("deleted", job);
  }
}
