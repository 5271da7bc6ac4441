import { JobsError } from "../errors.js";
import { transition } from "../state.js";
import type {
  ClaimRequest,
  EnqueueResult,
  FailOptions,
  Fairness,
  JobErrorInfo,
  JobEventListener,
  JobRecord,
  JobStatus,
  JobStore,
  Json,
  Lease,
  ListPage,
  ListQuery,
  NewJob,
  ScheduleRecord,
  StoreCapabilities,
  TypeStats,
  Unsubscribe,
} from "../types.js";
import { MemoryFlows } from "./flows.js";
import { MemoryJobs } from "./jobs.js";
import { ClaimGate, RateBuckets } from "./limits.js";
import { countJobs, listJobs, typeStats } from "./list.js";
import { cancelJob, deleteExpired, deleteJob, reclaimExpired, retryJob } from "./manage.js";
import { SKIP, TAKE, TAKE_AND_STOP, type Visit } from "./pending-index.js";
import { newStoredJob, type StoredJob, snapshot } from "./record.js";
import { MemorySchedules } from "./schedules.js";

export interface MemoryStoreOptions {
  /** How jobs of one priority are ordered: "tenant" (fair share, the default) or "fifo". */
  fairness?: Fairness;
}

/** How many over-the-limit jobs one limited claim passes over before it gives up for this round. */
const MAX_SKIPS_PER_CLAIM = 10_000;

/**
 * The reference JobStore: everything in process memory, events delivered synchronously. Jobs die with
 * the process. Its state and shared bookkeeping are in jobs.ts; this file is the port's hot path
 * (enqueue, claim and the writes that name a lease), manage.ts the rest.
 */
export class MemoryJobStore implements JobStore {
  readonly name = "memory";
  readonly capabilities: StoreCapabilities = {
    durable: false,
    crossProcessEvents: false,
    transactionalEnqueue: false,
  };

  private readonly jobs: MemoryJobs;
  private readonly rates = new RateBuckets();
  private readonly schedules = new MemorySchedules();
  private readonly paused = new Set<string>();

  /** Steps, suspensions and groups (flows/types.ts). */
  readonly flows: MemoryFlows;

  constructor(options: MemoryStoreOptions = {}) {
    this.jobs = new MemoryJobs(options.fairness ?? "tenant");
    this.flows = new MemoryFlows(this.jobs);
  }

  async init(): Promise<void> {}

  async close(): Promise<void> {
    this.jobs.listeners.clear();
  }

  async enqueue(job: NewJob): Promise<EnqueueResult> {
    return this.enqueueOne(job);
  }

  async enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
    return jobs.map((job) => this.enqueueOne(job));
  }

  async claim(request: ClaimRequest): Promise<JobRecord[]> {
    const claimed: JobRecord[] = [];
    const { types, now, limit, limits } = request;
    if (limit <= 0) return claimed;
    // Inline arrows, not a named const: a claim runs about once per job, and where the source runs
    // through tsx (keepNames) a named closure costs a defineProperty of its name each time.
    if (limits === undefined || !types.some((type) => limits[type] !== undefined)) {
      this.jobs.pending.walk(types, now, 0, (job) => this.take(job, request, claimed));
      return claimed;
    }
    const gate = new ClaimGate(limits, this.jobs.running, this.rates, now);
    this.jobs.pending.walk(types, now, MAX_SKIPS_PER_CLAIM, (job) => {
      if (!gate.admits(job)) return SKIP;
      gate.taken(job);
      return this.take(job, request, claimed);
    });
    return claimed;
  }

  /** Starts a claimed job and hands its copy to the claim; stops the walk once `limit` are taken. */
  private take(job: StoredJob, request: ClaimRequest, claimed: JobRecord[]): Visit {
    this.start(job, request);
    claimed.push(snapshot(job));
    return claimed.length >= request.limit ? TAKE_AND_STOP : TAKE;
  }

  private start(job: StoredJob, request: ClaimRequest): void {
    const { now } = request;
    job.status = transition(job.status, "claim");
    job.attempts += 1;
    job.leaseOwner = request.workerId;
    job.leaseExpiresAt = now + request.leaseMs;
    job.startedAt = now;
    job.updatedAt = now;
    // A new attempt starts its progress afresh (monotonic within an attempt).
    job.progress = 0;
    this.jobs.running.set(job.id, job);
    this.jobs.listeners.emit("started", job);
  }

  async extendLease(lease: Lease, leaseMs: number, now: number): Promise<boolean> {
    const job = this.jobs.held(lease);
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
    const job = this.jobs.held(lease);
    if (job === undefined) return false;
    if (progress > job.progress) job.progress = progress;
    if (message !== null) job.message = message;
    job.updatedAt = now;
    this.jobs.listeners.emit("progress", job);
    return true;
  }

  async complete(
    lease: Lease,
    result: Json,
    now: number,
    retentionMs: number,
    message?: string | null,
  ): Promise<boolean> {
    const job = this.jobs.held(lease);
    if (job === undefined) return false;
    job.status = transition(job.status, "complete");
    job.progress = 100;
    if (message != null) job.message = message;
    job.result = result;
    job.error = null;
    this.jobs.finish(job, now, retentionMs);
    this.jobs.listeners.emit("completed", job);
    return true;
  }

  async fail(lease: Lease, error: JobErrorInfo, options: FailOptions): Promise<boolean> {
    const job = this.jobs.held(lease);
    if (job === undefined) return false;
    job.error = { code: error.code, message: error.message };
    if (options.retryAt !== undefined) {
      this.jobs.scheduleRetry(job, "retry_scheduled", options.retryAt, options.now);
      this.jobs.listeners.emit("retrying", job);
    } else {
      job.status = transition(job.status, "fail");
      this.jobs.finish(job, options.now, options.retentionMs);
      this.jobs.listeners.emit("failed", job);
    }
    return true;
  }

  async release(lease: Lease, now: number): Promise<boolean> {
    const job = this.jobs.held(lease);
    if (job === undefined) return false;
    this.jobs.scheduleRetry(job, "release", job.runAt, now);
    job.attempts -= 1;
    if (job.attempts === 0) job.startedAt = null;
    this.jobs.listeners.emit("enqueued", job);
    return true;
  }

  async cancel(tenantId: string, jobId: string, now: number, retentionMs: number): Promise<JobRecord | null> {
    return cancelJob(this.jobs, tenantId, jobId, now, retentionMs);
  }

  async retry(tenantId: string, jobId: string, now: number): Promise<JobRecord | null> {
    return retryJob(this.jobs, tenantId, jobId, now);
  }

  async get(tenantId: string | null, jobId: string): Promise<JobRecord | null> {
    const job = tenantId === null ? this.jobs.all.get(jobId) : this.jobs.owned(tenantId, jobId);
    return job === undefined ? null : snapshot(job);
  }

  async list(query: ListQuery): Promise<ListPage> {
    return listJobs(this.jobs.all.values(), query);
  }

  async countByStatus(tenantId: string, type?: string): Promise<Record<JobStatus, number>> {
    return countJobs(this.jobs.all.values(), tenantId, type);
  }

  async delete(tenantId: string, jobId: string): Promise<boolean> {
    return deleteJob(this.jobs, tenantId, jobId);
  }

  async reclaimExpiredLeases(
    now: number,
    retentionMs: number,
    retryAt: (job: JobRecord) => number,
  ): Promise<number> {
    return reclaimExpired(this.jobs, now, retentionMs, retryAt);
  }

  async deleteExpired(cutoff: number, limit: number): Promise<number> {
    return deleteExpired(this.jobs, cutoff, limit);
  }

  async stats(now: number): Promise<TypeStats[]> {
    return typeStats(this.jobs.all.values(), now);
  }

  async setTypePaused(type: string, paused: boolean): Promise<void> {
    if (paused) this.paused.add(type);
    else this.paused.delete(type);
  }

  async pausedTypes(): Promise<string[]> {
    return [...this.paused].sort();
  }

  async blockRateKey(type: string, key: string, until: number): Promise<void> {
    this.rates.block(type, key, until);
  }

  async saveSchedule(
    schedule: Parameters<JobStore["saveSchedule"]>[0],
    now: number,
  ): Promise<ScheduleRecord> {
    return this.schedules.save(schedule, now);
  }

  async deleteSchedule(name: string): Promise<boolean> {
    return this.schedules.delete(name);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return this.schedules.list();
  }

  async setSchedulePaused(name: string, paused: boolean, now: number): Promise<ScheduleRecord | null> {
    return this.schedules.setPaused(name, paused, now);
  }

  async advanceSchedule(name: string, fireAt: number, now: number): Promise<boolean> {
    return this.schedules.advance(name, fireAt, now);
  }

  subscribe(listener: JobEventListener): Unsubscribe {
    return this.jobs.listeners.subscribe(listener);
  }

  private enqueueOne(input: NewJob): EnqueueResult {
    const { keys, all } = this.jobs;
    const existing = keys.existing(input.tenantId, input.idempotencyKey ?? null, input.dedupeKey ?? null);
    if (existing !== undefined) return { job: snapshot(existing), created: false };
    if (all.has(input.id)) {
      throw new JobsError("conflict", `A job with id ${input.id} already exists; generate a new id.`);
    }
    const job = newStoredJob(input);
    all.set(job.id, job);
    keys.add(job);
    this.jobs.pending.push(job, input.now);
    this.jobs.listeners.emit("enqueued", job);
    return { job: snapshot(job), created: true };
  }
}
