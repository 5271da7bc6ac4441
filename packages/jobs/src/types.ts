/**
 * Glossary
 * - job: one unit of background work, stored as a {@link JobRecord}; identified by `job_` + 128+ random bits.
 * - task: a named, typed handler that runs jobs of one `type` ({@link TaskDefinition}).
 * - attempt: one run of a job's handler; `attempts` counts the runs started so far (1 on the first run).
 * - lease: the right of one worker to run one attempt until `leaseExpiresAt`; renewed by heartbeats.
 *   A write that names a lease ({@link Lease}) is rejected once the lease was lost (expired and
 *   reclaimed, or cancelled), so a worker that stalled cannot overwrite the job's new owner.
 * - worker: a process-local pool that claims jobs from a store and runs their handlers.
 * - store: where jobs live (memory, sqlite, postgres, redis); all of them implement {@link JobStore}
 *   and pass the one conformance suite.
 *
 * All times are epoch milliseconds supplied by the engine's injected {@link Clock}; stores never read
 * a clock of their own, so leases, retries and retention can be tested in fake time.
 */

import type { ChildOutcome } from "./flows/groups.js";
import type { TaskRef } from "./queue.js";
import type { SpawnedChildren, WaitForChildrenOptions } from "./worker/steps.js";

export const JOB_STATUSES = ["pending", "running", "complete", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ["complete", "failed", "cancelled"];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface JobErrorInfo {
  /** Machine-readable, e.g. "handler_error", "timeout", "lease_expired", "cancelled", "invalid_input". */
  code: string;
  /** Written for the person looking at the job: what happened and, where possible, what to do. */
  message: string;
}

export interface JobRecord {
  id: string;
  tenantId: string;
  type: string;
  status: JobStatus;
  /** 0–100, monotonic within an attempt; 100 once complete. */
  progress: number;
  message: string | null;
  input: Json;
  result: Json | null;
  error: JobErrorInfo | null;
  attempts: number;
  maxAttempts: number;
  /** Earliest time a pending job may be claimed. */
  runAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  idempotencyKey: string | null;
  /** While a job with this key is pending or running, enqueueing another with the same key returns it. */
  dedupeKey: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Terminal jobs are deleted by the retention sweeper after this time. */
  expiresAt: number | null;
  /** Higher runs first; 0 by default. See docs/jobs/priorities-and-fairness.md. */
  priority: number;
  /** The task's concurrency key for this job (set when the task declares `concurrency`), else null. */
  concurrencyKey: string | null;
  /** The task's rate-limit bucket for this job (set when the task declares `rateLimit`), else null. */
  rateKey: string | null;
  /**
   * The W3C trace context of the enqueue that created the job (`traceparent`, then optionally ";" and
   * the `tracestate`), so an attempt's span links to the request that enqueued it; null without tracing.
   */
  traceContext: string | null;
}

/** Identifies one attempt held by one worker: writes naming a stale lease are rejected. */
export interface Lease {
  jobId: string;
  workerId: string;
  attempt: number;
}

export interface NewJob {
  id: string;
  tenantId: string;
  type: string;
  input: Json;
  maxAttempts: number;
  runAt: number;
  now: number;
  idempotencyKey?: string | null;
  dedupeKey?: string | null;
  /** Whole number 0–{@link MAX_PRIORITY}, higher first. Default 0. */
  priority?: number;
  /** Counted against `ClaimRequest.limits[type].concurrency` while the job runs. */
  concurrencyKey?: string | null;
  /** Counted against `ClaimRequest.limits[type].rate` when the job starts. */
  rateKey?: string | null;
  /** Stored as given (at most 1,024 characters; the queue never sends more). */
  traceContext?: string | null;
}

/** The highest priority a job may have (the lowest is 0). */
export const MAX_PRIORITY = 1000;

/**
 * What a task declares about how many of its jobs may run (see {@link ClaimRequest.limits}). Keys
 * are counted per job type: the same key under two tasks is two separate counters.
 */
export interface TypeLimits {
  /** At most this many jobs of the type with one `concurrencyKey` are running at once (running = status running, lease expired or not, until reclaimed). */
  concurrency?: number;
  /** At most `max` jobs of the type with one `rateKey` start in any window of `perMs` (a sliding window: (now - perMs, now]). */
  rate?: { max: number; perMs: number };
}

export interface EnqueueResult {
  job: JobRecord;
  /** false when an existing job was returned for the idempotency or dedupe key. */
  created: boolean;
}

export interface ClaimRequest {
  workerId: string;
  /** Claim at most this many jobs (the worker's free slots). */
  limit: number;
  leaseMs: number;
  now: number;
  /** Only these job types (the tasks this worker knows). */
  types: readonly string[];
  /**
   * The limits of the types that declare some. A job whose type has no entry here (or whose key is
   * null) is claimed without counting. With limits, a job is claimed only if, counting the jobs this
   * same claim takes:
   * - concurrency: running jobs of (type, concurrencyKey) < limits[type].concurrency;
   * - rate: jobs of (type, rateKey) started in (now - perMs, now] < max, and the bucket is not
   *   blocked (`blockRateKey`) past now. Each start of such a job is recorded at `now`.
   * A job over a limit stays pending, untouched (no attempt used), and the claim goes on to the next
   * candidate in order, so a saturated key never holds back another key's jobs.
   */
  limits?: Readonly<Record<string, TypeLimits>>;
}

/**
 * A cron schedule, stored so that every process shares it and it survives restarts. `name` is unique
 * in the store. The engine (not the store) computes fire times; the store keeps `lastFireAt`.
 */
export interface ScheduleRecord {
  name: string;
  task: string;
  cron: string;
  /** IANA time zone the cron expression is read in; null = UTC. */
  timezone: string | null;
  input: Json;
  tenantId: string;
  paused: boolean;
  /** The last fire time a job was enqueued for (epoch ms), null before the first. */
  lastFireAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ListQuery {
  /** The tenant whose jobs to list; null lists every tenant's (operators only: routes decide who may). */
  tenantId: string | null;
  status?: JobStatus | readonly JobStatus[];
  type?: string;
  /**
   * Jobs whose id is exactly this, or whose input (as JSON text) or error message contains it,
   * case-insensitively. At most 200 characters.
   */
  search?: string;
  /** Only jobs created at or after this time (epoch ms). */
  createdFrom?: number;
  /** Only jobs created before this time (epoch ms). */
  createdTo?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string | null;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface ListPage {
  /** Newest first (createdAt desc, id desc). */
  jobs: JobRecord[];
  nextCursor: string | null;
}

/** One job type's queue, across all tenants, as the store sees it now ({@link JobStore.stats}). */
export interface TypeStats {
  type: string;
  /** Pending jobs, due or not. */
  pending: number;
  /** Pending jobs whose runAt <= now. */
  due: number;
  running: number;
  /** The smallest runAt among due pending jobs (how long the queue's head has waited), or null. */
  oldestDueAt: number | null;
}

export type JobEventKind =
  | "enqueued"
  | "started"
  | "progress"
  | "completed"
  | "failed"
  | "retrying"
  | "cancelled"
  | "deleted";

/** A change to one job. Small on purpose (it crosses NOTIFY and pub/sub); read the job for the rest. */
export interface JobEvent {
  kind: JobEventKind;
  jobId: string;
  tenantId: string;
  type: string;
  status: JobStatus;
  progress: number;
  message: string | null;
}

export type JobEventListener = (event: JobEvent) => void;
export type Unsubscribe = () => void;

/**
 * How a store orders jobs of one priority (a store option, `fairness`, default "tenant"):
 * - "tenant": fair share. Each job gets a place in its tenant's line, and the claim takes the
 *   tenants' lines round-robin: a job enqueued by a tenant with nothing pending is claimed after at
 *   most one job of each tenant already waiting (so a 100,000-job backlog of one tenant delays
 *   another's new job by a claim or two, not by the backlog). Within a tenant, enqueue order. Rules:
 *   (1) the k-th pending job of a tenant runs before the (k+1)-th of any tenant; (2) a tenant that
 *   had nothing pending gets no credit and no debt for what it ran before. A delayed job or a retry
 *   is placed in its tenant's line either when enqueued or when it becomes due (store's choice);
 *   either way jobs that are not due yet must not slow the claim of those that are. A released job
 *   (graceful shutdown) keeps its place.
 * - "fifo": earliest runAt first, then enqueue order (strict order, for single-tenant apps).
 */
export type Fairness = "tenant" | "fifo";

export interface StoreCapabilities {
  /** Jobs survive a restart of the process. */
  durable: boolean;
  /** Events from other processes reach `subscribe` (otherwise only this process's changes do). */
  crossProcessEvents: boolean;
  /** `enqueue` can join a transaction of the application's own database. */
  transactionalEnqueue: boolean;
  /**
   * A claim is a network round trip worth hiding: a worker may claim up to this many jobs ahead of
   * its free slots — as many as freed while its last claim was in flight, at most its concurrency
   * (worker/claimer.ts). Absent or 0: a worker claims only for free slots.
   */
  claimAhead?: number;
  /**
   * A worker may keep up to this many claims in flight at once, each for free slots no other claim in
   * flight asked for, the slots that free together split across them (worker/claimer.ts), so one
   * claim's jobs run while the store answers the next. Only without claim-ahead. Absent or 1: one
   * claim at a time.
   */
  claimsInFlight?: number;
}

export interface FailOptions {
  /** Put the job back to pending, claimable at this time (a retry). Omit to fail it for good. */
  retryAt?: number;
  now: number;
  /** How long a terminal job is kept; sets `expiresAt = now + retentionMs`. */
  retentionMs: number;
}

/**
 * The store port: every operation the engine needs, named after what it means. Each state change
 * obeys `transition()` in state.ts; writes that name a {@link Lease} return false (and change
 * nothing) when the lease is no longer held.
 */
export interface JobStore {
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** Creates tables/keys if needed; safe to call from several processes at once. */
  init(): Promise<void>;
  enqueue(job: NewJob): Promise<EnqueueResult>;
  enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]>;
  /**
   * Atomically moves up to `limit` due pending jobs to running under a new lease, in this order
   * (see {@link Fairness}): priority, highest first; then, with fairness "tenant" (the default),
   * round-robin across the tenants that have due jobs; with "fifo", earliest runAt; ties in enqueue
   * order. Jobs over a limit of `request.limits` are skipped (left pending). Returns them in order.
   */
  claim(request: ClaimRequest): Promise<JobRecord[]>;
  extendLease(lease: Lease, leaseMs: number, now: number): Promise<boolean>;
  updateProgress(lease: Lease, progress: number, message: string | null, now: number): Promise<boolean>;
  /**
   * Running → complete, progress 100. `message`, when given (not null), becomes the job's message in
   * the same write: a worker folds the attempt's last unwritten progress message into its completion
   * instead of writing it first in a round of its own.
   */
  complete(
    lease: Lease,
    result: Json,
    now: number,
    retentionMs: number,
    message?: string | null,
  ): Promise<boolean>;
  fail(lease: Lease, error: JobErrorInfo, options: FailOptions): Promise<boolean>;
  /** Gives a running job back (graceful shutdown): pending again, this attempt not counted. */
  release(lease: Lease, now: number): Promise<boolean>;
  /** Pending or running → cancelled. Returns the job after the change, or null if unknown/other tenant. */
  cancel(tenantId: string, jobId: string, now: number, retentionMs: number): Promise<JobRecord | null>;
  /** Failed or cancelled → pending with a fresh attempt budget. Returns null if unknown; throws on illegal. */
  retry(tenantId: string, jobId: string, now: number): Promise<JobRecord | null>;
  /** `tenantId` null reads any tenant's job (workers, admin); routes always pass the caller's tenant. */
  get(tenantId: string | null, jobId: string): Promise<JobRecord | null>;
  list(query: ListQuery): Promise<ListPage>;
  countByStatus(tenantId: string, type?: string): Promise<Record<JobStatus, number>>;
  /** Deletes a job that is not running. Returns false if unknown, throws JobsError("conflict") if running. */
  delete(tenantId: string, jobId: string): Promise<boolean>;
  /**
   * Running jobs whose lease expired before `now`: back to pending (counted as a failed attempt) when
   * attempts remain, else failed with code "lease_expired". Returns how many were reclaimed.
   */
  reclaimExpiredLeases(
    now: number,
    retentionMs: number,
    retryAt: (job: JobRecord) => number,
  ): Promise<number>;
  /** Deletes up to `limit` terminal jobs whose expiresAt <= cutoff; returns how many. */
  deleteExpired(cutoff: number, limit: number): Promise<number>;
  /**
   * Every job type with pending or running jobs, across all tenants (metrics, the operator dashboard).
   * Types with neither are left out. Must stay cheap with a large backlog (indexes, not a table scan).
   */
  stats(now: number): Promise<TypeStats[]>;
  /**
   * Pauses (or resumes) the processing of one job type, for every worker of every process: stored,
   * shared and kept across restarts. Workers read the paused types about once a second and leave
   * them out of their claims; a claim already in flight may still start one.
   */
  setTypePaused(type: string, paused: boolean, now: number): Promise<void>;
  /** The paused job types, sorted. */
  pausedTypes(): Promise<string[]>;
  /**
   * Blocks the rate bucket (type, key) until `until` (keeps a later block already there): no job of
   * the type with that rateKey is claimed before then. The worker calls it when a handler of a task
   * with a rate limit throws RetryAfterError, so a provider's 429 slows every job on that key.
   */
  blockRateKey(type: string, key: string, until: number): Promise<void>;
  /**
   * Inserts the schedule, or replaces its task, cron, timezone, input and tenantId (keeping
   * `paused`, `lastFireAt` and `createdAt`) when one with the name exists. Returns what is stored.
   */
  saveSchedule(
    schedule: Omit<ScheduleRecord, "paused" | "lastFireAt" | "updatedAt">,
    now: number,
  ): Promise<ScheduleRecord>;
  /** Returns false if there was none with the name. */
  deleteSchedule(name: string): Promise<boolean>;
  /** Every schedule, by name. */
  listSchedules(): Promise<ScheduleRecord[]>;
  /** Pauses or resumes one; null if unknown. */
  setSchedulePaused(name: string, paused: boolean, now: number): Promise<ScheduleRecord | null>;
  /**
   * Compare-and-set: sets lastFireAt = fireAt only if the stored lastFireAt is null or < fireAt.
   * Returns true for the one caller that advanced it (several processes may race for one fire).
   */
  advanceSchedule(name: string, fireAt: number, now: number): Promise<boolean>;
  subscribe(listener: JobEventListener): Unsubscribe;
  close(): Promise<void>;
}

/** Time and timers, injected so tests run in fake time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The `~standard` interface of Standard Schema v1 (zod 4, valibot, arktype): only what the engine uses. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) =>
      | { readonly value: Output; readonly issues?: undefined }
      | {
          readonly issues: ReadonlyArray<{
            readonly message: string;
            readonly path?: ReadonlyArray<unknown>;
          }>;
        }
      | Promise<
          | { readonly value: Output; readonly issues?: undefined }
          | {
              readonly issues: ReadonlyArray<{
                readonly message: string;
                readonly path?: ReadonlyArray<unknown>;
              }>;
            }
        >;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export interface TaskLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TaskContext<I> {
  input: I;
  /** Reports progress 0–100 and a human message; coalesced to ~1 store write per 200 ms per job. */
  progress(percent: number, message?: string): void;
  /** Fires on cancel, timeout, lost lease and shutdown past the grace period. */
  signal: AbortSignal;
  /** 1 on the first run. */
  attempt: number;
  jobId: string;
  tenantId: string;
  log: TaskLogger;
  /**
   * A durable step (docs/jobs/steps.md): runs `fn` once per job and stores its JSON result (fenced by
   * the lease); a later attempt gets the stored result without running `fn`. Names are unique within
   * one run of the handler. A step that throws is not stored and follows the task's retry policy.
   */
  step<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
  /** Frees the worker slot for `ms`: the job goes back to pending and replays from the top later. */
  sleep(name: string, ms: number): Promise<void>;
  /** Like `sleep`, until a time (a Date or epoch ms). */
  waitUntil(name: string, date: Date | number): Promise<void>;
  /**
   * Only inside `step`: enqueues child jobs (docs/jobs/flows.md), idempotently (a retry of the step
   * gets the same children). At most 1,000 per call.
   */
  spawn<I>(task: TaskRef<I>, inputs: readonly I[]): Promise<SpawnedChildren>;
  /**
   * Suspends the job (no slot held) until every child spawned so far ended, then returns how each
   * ended. By default (`failParent: true`) a failed or cancelled child fails the parent for good.
   */
  waitForChildren(options?: WaitForChildrenOptions): Promise<ChildOutcome[]>;
}

export interface BackoffOptions {
  /** Delay before the first retry. Default 1000 ms. */
  baseMs?: number;
  /** Default 2. */
  factor?: number;
  /** Default 1 hour. */
  maxMs?: number;
  /** Fraction of the delay randomised (0–1). Default 0.2. */
  jitter?: number;
}

export interface TaskDefinition<I = unknown, R extends Json = Json> {
  name: string;
  input: StandardSchemaV1<unknown, I>;
  handler: (ctx: TaskContext<I>) => Promise<R> | R;
  /** Retries after the first attempt. Default 3 (so 4 attempts). */
  retries?: number;
  backoff?: BackoffOptions;
  /** Per attempt. Default 15 minutes. */
  timeoutMs?: number;
  /** A key under which only one job of this task is pending/running at a time (per tenant). */
  dedupeKey?: (input: I) => string | null;
  /** The default priority of this task's jobs (whole number 0–1000, higher first). Default 0. */
  priority?: number;
  /**
   * At most `limit` jobs of this task run at once per key, across every worker and process (default
   * key: the tenant). A crashed worker's job counts until its lease is reclaimed.
   */
  concurrency?: { limit: number; key?: (input: I, ctx: KeyContext) => string };
  /**
   * At most `max` jobs of this task start per `perMs` (a sliding window) per key, across every
   * process (default: one bucket for the task). A job over the limit stays pending, no attempt used.
   * A handler's RetryAfterError blocks the job's bucket for its delay.
   */
  rateLimit?: { max: number; perMs: number; key?: (input: I, ctx: KeyContext) => string };
}

/** What a concurrency or rate key function is told besides the input. */
export interface KeyContext {
  tenantId: string;
}
