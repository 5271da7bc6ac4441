import type { StoredJob } from "./record.js";

const scoped = (tenantId: string, key: string) => `${tenantId}\u0000${key}`;

/**
 * Idempotency and dedupe keys, both per tenant. An idempotency key points at its job for as long as
 * the job exists; a dedupe key only while its job is pending or running (the store frees it when the
 * job ends).
 */
export class KeyIndex {
  private readonly idempotency = new Map<string, StoredJob>();
  private readonly dedupe = new Map<string, StoredJob>();

  /** The job an enqueue with these keys should return instead of creating one, if any. */
  existing(tenantId: string, idempotencyKey: string | null, dedupeKey: string | null): StoredJob | undefined {
    if (idempotencyKey !== null) {
      const job = this.idempotency.get(scoped(tenantId, idempotencyKey));
      if (job !== undefined) return job;
    }
    return dedupeKey === null ? undefined : this.dedupe.get(scoped(tenantId, dedupeKey));
  }

  add(job: StoredJob): void {
    if (job.idempotencyKey !== null) this.idempotency.set(scoped(job.tenantId, job.idempotencyKey), job);
    if (job.dedupeKey !== null) this.dedupe.set(scoped(job.tenantId, job.dedupeKey), job);
  }

  /** Another job holding `job`'s dedupe key, if any. */
  dedupeHolder(job: StoredJob): StoredJob | undefined {
    if (job.dedupeKey === null) return undefined;
    const holder = this.dedupe.get(scoped(job.tenantId, job.dedupeKey));
    return holder === job ? undefined : holder;
  }

  holdDedupe(job: StoredJob): void {
    if (job.dedupeKey !== null) this.dedupe.set(scoped(job.tenantId, job.dedupeKey), job);
  }

  releaseDedupe(job: StoredJob): void {
    if (job.dedupeKey === null) return;
    const k = scoped(job.tenantId, job.dedupeKey);
    if (this.dedupe.get(k) === job) this.dedupe.delete(k);
  }

  forget(job: StoredJob): void {
    this.releaseDedupe(job);
    if (job.idempotencyKey === null) return;
    const k = scoped(job.tenantId, job.idempotencyKey);
    if (this.idempotency.get(k) === job) this.idempotency.delete(k);
  }
}
