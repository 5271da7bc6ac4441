import type { JobStatus, JobStore } from "@ledgerflow/jobs";

const FINAL: ReadonlySet<JobStatus> = new Set(["complete", "failed", "cancelled"]);
/** A waiter that heard nothing for this long reads its job: events sent while a LISTEN/SUBSCRIBE
 * connection reconnects are lost by design (docs/jobs/stores.md), the job row is the truth. */
const RECHECK_MS = 3_000;

export interface Tracker {
  /** Resolves with the job's final status (complete, failed or cancelled). */
  settled(jobId: string): Promise<JobStatus>;
  /** Measures how long until each job is started again by another worker, from `killedAt`. */
  watchReclaim(jobIds: readonly string[], killedAt: number): void;
  /** Milliseconds from a worker's SIGKILL until another worker started each of its jobs. */
  reclaimMs: number[];
  /** How many running jobs each killed worker held. */
  heldPerKill: number[];
  /** Jobs of the tenant seen settled so far. */
  settledCount(): number;
  /** Jobs settled per second between the `from` and `to` shares of `total` (e.g. 0.1 → 0.9). */
  rate(total: number, from: number, to: number): number;
  close(): void;
}

/**
 * Follows every job of the tenant through the store's cross-process events (PostgreSQL NOTIFY or
 * Redis pub/sub) in the test process, so waiting for 5,000 jobs costs no HTTP polling.
 */
export function trackJobs(store: JobStore, tenantId: string): Tracker {
  const finished = new Map<string, JobStatus>();
  const waiters = new Map<string, { since: number; resolve: (status: JobStatus) => void }>();
  const reclaiming = new Map<string, number>();
  const reclaimMs: number[] = [];
  const heldPerKill: number[] = [];
  const settledAt: number[] = [];
  const settle = (jobId: string, status: JobStatus) => {
    if (!finished.has(jobId)) settledAt.push(Date.now());
    finished.set(jobId, status);
    waiters.get(jobId)?.resolve(status);
    waiters.delete(jobId);
  };
  const off = store.subscribe((event) => {
    if (event.tenantId !== tenantId) return;
    if (event.kind === "started") {
      const killedAt = reclaiming.get(event.jobId);
      if (killedAt !== undefined) {
        reclaimMs.push(Date.now() - killedAt);
        reclaiming.delete(event.jobId);
      }
    }
    if (FINAL.has(event.status)) settle(event.jobId, event.status);
  });
  let rechecking = false;
  const timer = setInterval(() => {
    if (rechecking) return;
    rechecking = true;
    const stale = [...waiters].filter(([, w]) => Date.now() - w.since > RECHECK_MS).map(([id]) => id);
    void Promise.all(
      stale.map(async (id) => {
        const job = await store.get(tenantId, id).catch(() => null);
        const waiter = waiters.get(id);
        if (job && FINAL.has(job.status)) settle(id, job.status);
        else if (waiter) waiter.since = Date.now();
      }),
    ).finally(() => {
      rechecking = false;
    });
  }, 1_000);
  return {
    settled(jobId) {
      const known = finished.get(jobId);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiters.set(jobId, { since: Date.now(), resolve }));
    },
    watchReclaim(jobIds, killedAt) {
      heldPerKill.push(jobIds.length);
      for (const id of jobIds) if (!finished.has(id)) reclaiming.set(id, killedAt);
    },
    reclaimMs,
    heldPerKill,
    settledCount: () => finished.size,
    rate(total, from, to) {
      const a = settledAt[Math.floor(total * from)];
      const b = settledAt[Math.floor(total * to) - 1];
      return a === undefined || b === undefined || b <= a
        ? Number.NaN
        : ((to - from) * total * 1000) / (b - a);
    },
    close() {
      clearInterval(timer);
      off();
    },
  };
}
