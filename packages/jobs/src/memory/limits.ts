import type { ClaimRequest, TypeLimits } from "../types.js";
import type { StoredJob } from "./record.js";

const bucketOf = (type: string, key: string) => `${type}\u0000${key}`;

/**
 * The rate buckets of the memory store: each bucket's recent start times (a sliding log, oldest
 * first, pruned as claims pass) and the time a RetryAfterError blocked it until.
 */
export class RateBuckets {
  private readonly starts = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();

  block(type: string, key: string, until: number): void {
    const bucket = bucketOf(type, key);
    if (until > (this.blocked.get(bucket) ?? Number.NEGATIVE_INFINITY)) this.blocked.set(bucket, until);
  }

  /** Starts in (now - perMs, now], after dropping older ones; Infinity while blocked. */
  used(type: string, key: string, perMs: number, now: number): number {
    const bucket = bucketOf(type, key);
    const until = this.blocked.get(bucket);
    if (until !== undefined) {
      if (until > now) return Number.POSITIVE_INFINITY;
      this.blocked.delete(bucket);
    }
    const log = this.starts.get(bucket);
    if (log === undefined) return 0;
    let drop = 0;
    while (drop < log.length && (log[drop] as number) <= now - perMs) drop += 1;
    if (drop > 0) log.splice(0, drop);
    if (log.length === 0) this.starts.delete(bucket);
    return log.length;
  }

  record(type: string, key: string, now: number): void {
    const bucket = bucketOf(type, key);
    const log = this.starts.get(bucket);
    if (log === undefined) this.starts.set(bucket, [now]);
    else log.push(now);
  }
}

/**
 * One limited claim's view of the limits: running jobs per (type, concurrency key), counted once from
 * the running jobs when first needed, and the rate buckets; both count the jobs this claim takes.
 */
export class ClaimGate {
  private running: Map<string, number> | undefined;

  constructor(
    private readonly limits: NonNullable<ClaimRequest["limits"]>,
    private readonly runningJobs: ReadonlyMap<string, StoredJob>,
    private readonly rates: RateBuckets,
    private readonly now: number,
  ) {}

  admits(job: StoredJob): boolean {
    const limits: TypeLimits | undefined = this.limits[job.type];
    if (limits === undefined) return true;
    if (limits.concurrency !== undefined && job.concurrencyKey !== null) {
      if (this.runningOf(job.type, job.concurrencyKey) >= limits.concurrency) return false;
    }
    if (limits.rate !== undefined && job.rateKey !== null) {
      if (this.rates.used(job.type, job.rateKey, limits.rate.perMs, this.now) >= limits.rate.max)
        return false;
    }
    return true;
  }

  /** The job was taken: count it against its keys. */
  taken(job: StoredJob): void {
    const limits = this.limits[job.type];
    if (limits === undefined) return;
    if (limits.concurrency !== undefined && job.concurrencyKey !== null) {
      const bucket = bucketOf(job.type, job.concurrencyKey);
      const counts = this.counts();
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    }
    if (limits.rate !== undefined && job.rateKey !== null) this.rates.record(job.type, job.rateKey, this.now);
  }

  private runningOf(type: string, key: string): number {
    return this.counts().get(bucketOf(type, key)) ?? 0;
  }

  private counts(): Map<string, number> {
    if (this.running === undefined) {
      this.running = new Map();
      for (const job of this.runningJobs.values()) {
        if (job.concurrencyKey === null || this.limits[job.type]?.concurrency === undefined) continue;
        const bucket = bucketOf(job.type, job.concurrencyKey);
        this.running.set(bucket, (this.running.get(bucket) ?? 0) + 1);
      }
    }
    return this.running;
  }
}
