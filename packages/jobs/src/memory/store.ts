import { JobsError, LEASE_EXPIRED_FINAL_ERROR, LEASE_EXPIRED_RETRY_ERROR } from "../errors.js";
import { transition } from "../state.js";
import type {
  ClaimRequest,
  EnqueueResult,
  FailOptions,
  JobErrorInfo,
  JobEventKind,
  JobEventListener,
  JobRecord,
  JobStatus,
  JobStore,
  Json,
  Lease,
  ListPage,
  ListQuery,
  NewJob,
  StoreCapabilities,
  Unsubscribe,
} from "../types.js";
import { KeyIndex } from "./keys.js";
import { countJobs, listJobs } from "./list.js";
import { PendingQueue } from "./pending.js";
import { type StoredJob, snapshot } from "./record.js";

/**
 * The reference JobStore: everything in process memory, events delivered synchronously. Jobs die with
 * the process. Indexed for the hot path: a heap of pending jobs per type, maps for idempotency and
 * dedupe keys, and a small map of running jobs: lease checks (every heartbeat, progress write and
 * completion) look there instead of in the map of all jobs, and reclaim never scans everything. Retention
 * scans all jobs once per sweep instead: a few ms per 100k jobs each minute was cheaper than keeping a
 * set of finished jobs up to date on every completion (measured: ~25 % more no-op jobs per CPU-second).
 */
export class MemoryJobStore implements JobStore {
  readonly name = "memory";
  readonly capabilities: StoreCapabilities = {
    durable: false,
    crossProcessEvents: false,
    transactionalEnqueue: false,
  };

  private readonly jobs = new Map<string, StoredJob>();
  private readonly pendingByType = new Map<string, PendingQueue<StoredJob>>();
  private readonly keys = new KeyIndex();
  private readonly running = new Map<string, StoredJob>();
  private readonly listeners = new Set<JobEventListener>();
  private seq = 0;

  async init(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }

  async enqueue(job: NewJob): Promise<EnqueueResult> {
    return this.enqueueOne(job);
  }

  async enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
    return jobs.map((job) => this.enqueueOne(job));
  }

  async claim(request: ClaimRequest): Promise<JobRecord[]> {
    const claimed: JobRecord[] = [];
    const { types, now } = request;
    while (claimed.length < request.limit) {
      const heap = this.dueHeap(types, now);
      if (heap === undefined) break;
      const job = heap.pop()!.value;
      job.status = transition(job.status, "claim");
      job.attempts += 1;
      job.leaseOwner = request.workerId;
      job.leaseExpiresAt = now + request.leaseMs;
      job.startedAt = now;
      job.updatedAt = now;
      // A new attempt starts its progress afresh (monotonic within an attempt).
      job.progress = 0;
      this.running.set(job.id, job);
      claimed.push(snapshot(job));
      this.emit("started", job);
    }
    return claimed;
  }

  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return false;
    job.leaseExpiresAt = now + leaseMs;
    return true;
  }

  async updateProgress(
    lease: Lease,
    progress: number,
    message: string | null,
    now: number,
  ): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return false;
    if (progress > job.progress) job.progress = progress;
    if (message !== null) job.message = message;
    job.updatedAt = now;
    this.emit("progress", job);
    return true;
  }

  async complete(lease: Lease, result: Json, now: number, retentionMs: number): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return false;
    job.status = transition(job.status, "complete");
    job.progress = 100;
    job.result = result;
    job.error = null;
    this.finish(job, now, retentionMs);
    this.emit("completed", job);
    return true;
  }

  async fail(lease: Lease, error: JobErrorInfo, options: FailOptions): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return false;
    job.error = { code: error.code, message: error.message };
    if (options.retryAt !== undefined) {
      this.scheduleRetry(job, "retry_scheduled", options.retryAt, options.now);
      this.emit("retrying", job);
    } else {
      job.status = transition(job.status, "fail");
      this.finish(job, options.now, options.retentionMs);
      this.emit("failed", job);
    }
    return true;
  }

  async release(lease: Lease, now: number): Promise<boolean> {
    const job = this.held(lease);
    if (job === undefined) return false;
    this.scheduleRetry(job, "release", job.runAt, now);
    job.attempts -= 1;
    if (job.attempts === 0) job.startedAt = null;
    this.emit("enqueued", job);
    return true;
  }

  async cancel(tenantId: string, jobId: string, now: number, retentionMs: number): Promise<JobRecord | null> {
    const job = this.owned(tenantId, jobId);
    if (job === undefined) return null;
    job.status = transition(job.status, "cancel");
    this.finish(job, now, retentionMs);
    this.emit("cancelled", job);
    return snapshot(job);
  }

  async retry(tenantId: string, jobId: string, now: number): Promise<JobRecord | null> {
    const job = this.owned(tenantId, jobId);
    if (job === undefined) return null;
    const next = transition(job.status, "manual_retry");
    const holder = this.keys.dedupeHolder(job);
    if (holder !== undefined) {
      throw new JobsError(
        "conflict",
        `Job ${holder.id} with the same dedupe key is still ${holder.status}; wait for it to finish, then retry.`,
      );
    }
    this.keys.holdDedupe(job);
    Object.assign(job, {
      status: next,
      attempts: 0,
      progress: 0,
      message: null,
      result: null,
      error: null,
      runAt: now,
      startedAt: null,
      finishedAt: null,
      expiresAt: null,
      updatedAt: now,
    });
    this.pushPending(job, now);
    this.emit("enqueued", job);
    return snapshot(job);
  }

  async get(tenantId: string | null, jobId: string): Promise<JobRecord | null> {
    const job = tenantId === null ? this.jobs.get(jobId) : this.owned(tenantId, jobId);
    return job === undefined ? null : snapshot(job);
  }

  async list(query: ListQuery): Promise<ListPage> {
    return listJobs(this.jobs.values(), query);
  }

  async countByStatus(tenantId: string, type?: string): Promise<Record<JobStatus, number>> {
    return countJobs(this.jobs.values(), tenantId, type);
  }

  async delete(tenantId: string, jobId: string): Promise<boolean> {
    const job = this.owned(tenantId, jobId);
    if (job === undefined) return false;
    if (job.status === "running") {
      throw new JobsError("conflict", `Job ${jobId} is running; cancel it first, then delete it.`);
    }
    this.remove(job);
    return true;
  }

  async reclaimExpiredLeases(
    now: number,
    retentionMs: number,
    retryAt: (job: JobRecord) => number,
  ): Promise<number> {
    let reclaimed = 0;
    for (const job of this.running.values()) {
      if (job.leaseExpiresAt === null || job.leaseExpiresAt >= now) continue;
      reclaimed += 1;
      if (job.attempts < job.maxAttempts) {
        job.error = { ...LEASE_EXPIRED_RETRY_ERROR };
        this.scheduleRetry(job, "retry_scheduled", retryAt(snapshot(job)), now);
        this.emit("retrying", job);
      } else {
        job.status = transition(job.status, "lease_expired");
        job.error = { ...LEASE_EXPIRED_FINAL_ERROR };
        this.finish(job, now, retentionMs);
        this.emit("failed", job);
      }
    }
    return reclaimed;
  }

  async deleteExpired(cutoff: number, limit: number): Promise<number> {
    let deleted = 0;
    for (const job of this.jobs.values()) {
      if (deleted >= limit) break;
      if (job.expiresAt !== null && job.expiresAt <= cutoff) {
        this.remove(job);
        deleted += 1;
      }
    }
    return deleted;
  }

  subscribe(listener: JobEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private enqueueOne(input: NewJob): EnqueueResult {
    const idempotencyKey = input.idempotencyKey ?? null;
    const dedupeKey = input.dedupeKey ?? null;
    const existing = this.keys.existing(input.tenantId, idempotencyKey, dedupeKey);
    if (existing !== undefined) return { job: snapshot(existing), created: false };
    if (this.jobs.has(input.id)) {
      throw new JobsError("conflict", `A job with id ${input.id} already exists; generate a new id.`);
    }
    const job: StoredJob = {
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
      idempotencyKey,
      dedupeKey,
      createdAt: input.now,
      updatedAt: input.now,
      startedAt: null,
      finishedAt: null,
      expiresAt: null,
      seq: 0,
    };
    this.jobs.set(job.id, job);
    this.keys.add(job);
    this.pushPending(job, input.now);
    this.emit("enqueued", job);
    return { job: snapshot(job), created: true };
  }

  /** The heap whose first live entry is due and earliest among `types`, dropping stale entries. */
  private dueHeap(types: readonly string[], now: number): PendingQueue<StoredJob> | undefined {
    let best: PendingQueue<StoredJob> | undefined;
    let bestRunAt = Number.POSITIVE_INFINITY;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const type of types) {
      const heap = this.pendingByType.get(type);
      if (heap === undefined) continue;
      let top = heap.peek();
      while (top !== undefined && (top.value.status !== "pending" || top.value.seq !== top.seq)) {
        heap.pop();
        top = heap.peek();
      }
      if (top === undefined || top.runAt > now) continue;
      if (top.runAt < bestRunAt || (top.runAt === bestRunAt && top.seq < bestSeq)) {
        best = heap;
        bestRunAt = top.runAt;
        bestSeq = top.seq;
      }
    }
    return best;
  }

  private pushPending(job: StoredJob, now: number): void {
    let heap = this.pendingByType.get(job.type);
    if (heap === undefined) {
      heap = new PendingQueue();
      this.pendingByType.set(job.type, heap);
    }
    this.seq += 1;
    job.seq = this.seq;
    heap.push({ runAt: job.runAt, seq: job.seq, value: job }, now);
  }

  private held(lease: Lease): StoredJob | undefined {
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

  private owned(tenantId: string, jobId: string): StoredJob | undefined {
    const job = this.jobs.get(jobId);
    return job !== undefined && job.tenantId === tenantId ? job : undefined;
  }

  /** Running → pending again (a retry or a release): lease cleared, back in the heap at `runAt`. */
  private scheduleRetry(
    job: StoredJob,
    event: "retry_scheduled" | "release",
    runAt: number,
    now: number,
  ): void {
    job.status = transition(job.status, event);
    job.runAt = runAt;
    job.leaseOwner = null;
    job.leaseExpiresAt = null;
    job.updatedAt = now;
    this.running.delete(job.id);
    this.pushPending(job, now);
  }

  /** Bookkeeping shared by every move into a terminal status. */
  private finish(job: StoredJob, now: number, retentionMs: number): void {
    job.leaseOwner = null;
    job.leaseExpiresAt = null;
    job.finishedAt = now;
    job.expiresAt = now + retentionMs;
    job.updatedAt = now;
    this.running.delete(job.id);
    this.keys.releaseDedupe(job);
  }

  private remove(job: StoredJob): void {
    this.jobs.delete(job.id);
    job.seq = -1;
    this.keys.forget(job);
    this.emit("deleted", job);
  }

  private emit(kind: JobEventKind, job: StoredJob): void {
    if (this.listeners.size === 0) return;
    const event = {
      kind,
      jobId: job.id,
      tenantId: job.tenantId,
      type: job.type,
      status: job.status,
      progress: job.progress,
      message: job.message,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the store's write or the other listeners.
      }
    }
  }
}
