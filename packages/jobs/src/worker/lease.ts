import { backoffDelay } from "../backoff.js";
import type { Queue } from "../queue.js";
import type { TaskLogger } from "../types.js";
import type { JobRun } from "./run.js";
import { every } from "./timer.js";

export interface LeaseKeeperOptions {
  queue: Queue;
  leaseMs: number;
  heartbeatMs: number;
  reclaimIntervalMs: number;
  /** An outcome write unanswered this long after it was issued stops being heartbeated. */
  outcomeWriteTimeoutMs: number;
  random: () => number;
  logger: TaskLogger;
  /** The attempts this worker holds right now. */
  runs: () => Iterable<JobRun>;
  leaseLost: (run: JobRun) => void;
  /** The attempt's outcome write was unanswered for outcomeWriteTimeoutMs: its lease is let go. */
  writeStalled: (run: JobRun) => void;
}

/**
 * Keeps this worker's leases alive and takes back other workers' dead ones: one heartbeat timer that
 * extends every held lease, and one reclaim timer that returns expired leases to the queue (retried
 * with the task's backoff, or failed after the last attempt). Returns a function that stops both.
 */
export function startLeaseKeeping(options: LeaseKeeperOptions): () => void {
  const { queue, leaseMs, logger } = options;
  const { store, clock } = queue;

  const stopHeartbeat = every(clock, options.heartbeatMs, () => {
    const now = clock.now();
    for (const run of options.runs()) {
      // A settled attempt still holds its lease until its outcome is written; only one that was
      // cancelled or lost has nothing left to keep.
      if (run.stopReason === "cancelled" || run.stopReason === "lease_lost") continue;
      if (stalled(run, now)) continue;
      store.extendLease(run.lease, leaseMs, now).then(
        (held) => {
          if (!held) options.leaseLost(run);
        },
        (error: unknown) =>
          logger.warn("Heartbeat failed; the lease may expire", { jobId: run.jobId, error: String(error) }),
      );
    }
  });

  // Without this bound, a write whose answer never comes would keep its job `running` forever: the
  // heartbeat covers in-flight outcome writes (so a slow store does not get finished jobs reclaimed).
  const stalled = (run: JobRun, now: number): boolean => {
    if (run.writingSince === undefined || now - run.writingSince <= options.outcomeWriteTimeoutMs)
      return false;
    logger.error("An outcome write got no answer; no longer renewing its lease, so the job will be retried", {
      jobId: run.jobId,
      attempt: run.attempt,
      unansweredMs: now - run.writingSince,
    });
    options.writeStalled(run);
    return true;
  };

  // One reclaim at a time; but one whose answer never comes must not end this worker's reclaiming for
  // good (each reclaim re-checks every lease in one script, so an overlapping one is harmless).
  let reclaimingSince: number | undefined;
  const stopReclaim = every(clock, options.reclaimIntervalMs, () => {
    const now = clock.now();
    if (reclaimingSince !== undefined) {
      if (now - reclaimingSince <= leaseMs) return;
      logger.error("A reclaim of expired leases got no answer; starting another", {
        unansweredMs: now - reclaimingSince,
      });
    }
    const since = now;
    reclaimingSince = since;
    const retryAt = (job: { type: string; attempts: number }) =>
      now + backoffDelay(job.attempts, queue.task(job.type)?.backoff, options.random);
    store
      .reclaimExpiredLeases(now, queue.retentionMs, retryAt)
      .then(
        (count) => {
          if (count > 0) {
            logger.warn("Reclaimed jobs whose worker stopped responding", { count });
            queue.instrumentation?.reclaimed?.(count);
          }
        },
        (error: unknown) => logger.error("Reclaiming expired leases failed", { error: String(error) }),
      )
      .finally(() => {
        if (reclaimingSince === since) reclaimingSince = undefined;
      });
  });

  return () => {
    stopHeartbeat();
    stopReclaim();
  };
}
