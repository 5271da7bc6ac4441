import type { ClaimRequest, JobRecord, Lease } from "../types.js";

/**
 * Prefetch (opt-in, the stores' `prefetch` option): a claim takes `size` more jobs than asked and
 * keeps the extra ones, under their lease, for the same worker's next claims — which then need no
 * round trip. The engine claims only as many jobs as it has free slots and only after the previous
 * completions were written, so without it every few jobs cost a claim round trip; graphile-worker's
 * localQueue is the same idea.
 *
 * Trade-offs, all bounded: buffered jobs show as running (their lease runs from the prefetch, and
 * `started` fires then); a buffered job older than a quarter of its lease is given back (released:
 * pending again, the attempt not counted) instead of served, so a served job always has ≥ 3/4 of its
 * lease left before the first heartbeat; a buffer nobody claimed from for {@link IDLE_RELEASE_MS} is
 * given back (a stopped worker does not sit on jobs until their leases expire); cancelled or deleted
 * jobs are dropped from the buffer.
 */
export class ClaimBuffer {
  private readonly buffers = new Map<string, { jobs: JobRecord[]; lastNow: number }>();
  private readonly dropped = new Set<string>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly size: number,
    private readonly fetch: (request: ClaimRequest) => Promise<JobRecord[]>,
    private readonly giveBack: (lease: Lease, now: number) => Promise<boolean>,
  ) {}

  get enabled(): boolean {
    return this.size > 0;
  }

  async claim(request: ClaimRequest): Promise<JobRecord[]> {
    if (!this.enabled) return this.fetch(request);
    const key = `${request.workerId}\u0000${request.leaseMs}\u0000${request.types.join("\u0000")}`;
    const buffer = this.buffers.get(key) ?? { jobs: [], lastNow: request.now };
    this.buffers.set(key, buffer);
    buffer.lastNow = request.now;
    const fresh: JobRecord[] = [];
    for (const job of buffer.jobs) {
      if (this.dropped.delete(job.id)) continue;
      if (request.now - (job.startedAt ?? request.now) > request.leaseMs / 4)
        void this.release(job, request.now);
      else fresh.push(job);
    }
    const out = fresh.splice(0, request.limit);
    buffer.jobs = fresh;
    if (out.length < request.limit) {
      const missing = request.limit - out.length;
      const fetched = await this.fetch({ ...request, limit: missing + this.size });
      out.push(...fetched.splice(0, missing));
      buffer.jobs.push(...fetched);
    }
    this.armIdleRelease();
    return out;
  }

  /** A job was cancelled or deleted: never serve it from a buffer. */
  forget(jobId: string): void {
    if (this.enabled && this.buffered(jobId)) this.dropped.add(jobId);
  }

  /** Gives every buffered job back (store close, idle buffer). */
  async releaseAll(): Promise<void> {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const pending: Promise<boolean>[] = [];
    for (const buffer of this.buffers.values()) {
      for (const job of buffer.jobs)
        if (!this.dropped.has(job.id)) pending.push(this.release(job, buffer.lastNow));
      buffer.jobs = [];
    }
    this.dropped.clear();
    await Promise.allSettled(pending);
  }

  private buffered(jobId: string): boolean {
    for (const buffer of this.buffers.values()) if (buffer.jobs.some((job) => job.id === jobId)) return true;
    return false;
  }

  private release(job: JobRecord, now: number): Promise<boolean> {
    return this.giveBack({ jobId: job.id, workerId: job.leaseOwner ?? "", attempt: job.attempts }, now).catch(
      () => false, // the lease then simply expires and the job is reclaimed
    );
  }

  private armIdleRelease(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      void this.releaseAll();
    }, IDLE_RELEASE_MS);
    this.idleTimer.unref();
  }
}

/** A buffer not claimed from for this long is given back: longer than any claim gap of a busy worker. */
export const IDLE_RELEASE_MS = 1_000;
