import { systemClock } from "./clock.js";
import { isJobsError, JobsError } from "./errors.js";
import { type BatchInfo, type BatchOptions, enqueueBatch, jobEnded, sweepFlows } from "./flows/groups.js";
import { type FlowInfo, type FlowInfoOptions, flowInfo } from "./flows/info.js";
import { newJobId } from "./ids.js";
import { combineInstrumentation, type EnqueueProbe, type Instrumentation } from "./instrumentation.js";
import { EventHub } from "./queue-events.js";
import {
  describeSchedule,
  type ScheduleInfo,
  type ScheduleOptions,
  skipMissedFires,
  validateSchedule,
} from "./schedules.js";
import { type AnyTask, checkPriority, keysOf, limitsOf, maxAttemptsOf, validateInput } from "./task.js";
import type {
  Clock,
  EnqueueResult,
  JobEventListener,
  JobRecord,
  JobStatus,
  JobStore,
  ListPage,
  ListQuery,
  NewJob,
  StandardSchemaV1,
  TypeLimits,
  TypeStats,
  Unsubscribe,
} from "./types.js";

export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface QueueOptions {
  store: JobStore;
  tasks: readonly AnyTask[];
  clock?: Clock;
  newId?: () => string;
  /** How long finished jobs are kept before the sweeper deletes them. Default 24 hours. */
  retentionMs?: number;
  /** Tracing and metrics hooks: `createTracing()` from /otel, `createJobMetrics().instrumentation` from /metrics. */
  instrumentation?: Instrumentation | readonly Instrumentation[];
}

export interface EnqueueOptions {
  tenantId: string;
  /**
   * Same key (per tenant) → the existing job is returned instead of a new one. In enqueueMany the
   * i-th input gets `${idempotencyKey}:${i}`, so repeating the same bulk request returns the same jobs.
   */
  idempotencyKey?: string | null;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** Overrides the task's own dedupeKey(input). */
  dedupeKey?: string | null;
  /** Whole number 0–1000, higher runs first; overrides the task's `priority` (default 0). */
  priority?: number;
}

/** A task object (what it accepts is inferred from its schema's input type) or its name. */
export type TaskRef<I> = { readonly name: string; readonly input: StandardSchemaV1<I, unknown> } | string;

export interface Queue {
  readonly store: JobStore;
  readonly clock: Clock;
  readonly retentionMs: number;
  /** The names of the tasks this queue can run: what its workers claim. */
  readonly taskNames: readonly string[];
  /** The hooks its enqueues and its workers' attempts report to, if any. */
  readonly instrumentation: Instrumentation | undefined;
  /** The concurrency and rate limits its tasks declare, by task name (undefined when none does). */
  readonly limits: Readonly<Record<string, TypeLimits>> | undefined;
  task(name: string): AnyTask | undefined;
  init(): Promise<void>;
  enqueue<I>(task: TaskRef<I>, input: I, options: EnqueueOptions): Promise<EnqueueResult>;
  enqueueMany<I>(task: TaskRef<I>, inputs: readonly I[], options: EnqueueOptions): Promise<EnqueueResult[]>;
  /**
   * Builds the job `enqueue` would insert (input validated, new id, the task's dedupe key and
   * maxAttempts) without inserting it: for a store that enqueues inside the app's own transaction,
   * e.g. `enqueueInTransaction(client, await queue.prepare(task, input, opts))` from
   * `@ledgerflow/jobs/postgres`. Throws like `enqueue` on an unknown task or invalid input.
   */
  prepare<I>(task: TaskRef<I>, input: I, options: EnqueueOptions): Promise<NewJob>;
  /** `tenantId` null reads any tenant's job. Throws JobsError("not_found"). */
  get(tenantId: string | null, id: string): Promise<JobRecord>;
  list(query: ListQuery): Promise<ListPage>;
  counts(tenantId: string, type?: string): Promise<Record<JobStatus, number>>;
  /** Cancels the job; a parent's children that have not ended are cancelled with it. */
  cancel(tenantId: string, id: string): Promise<JobRecord>;
  /**
   * Enqueues up to 1,000 jobs of one task as a batch; `onComplete`'s job is enqueued exactly once,
   * after every member ended (docs/jobs/flows.md). Refuses 0 members or more than 1,000.
   */
  enqueueBatch<I>(task: TaskRef<I>, inputs: readonly I[], options: BatchOptions): Promise<BatchInfo>;
  /**
   * A job's steps, its parent and its children's counts, with the first `listChildren` (default 100)
   * children listed (docs/jobs/flows.md). Throws JobsError("not_found").
   */
  flow(tenantId: string | null, id: string, options?: FlowInfoOptions): Promise<FlowInfo>;
  /** Re-checks unfinished children and batches (a process died between a member's end and its count). */
  sweepFlows(): Promise<number>;
  retry(tenantId: string, id: string): Promise<JobRecord>;
  delete(tenantId: string, id: string): Promise<void>;
  /**
   * Creates or replaces the cron schedule `name` (unique in the store; shared by every process, kept
   * across restarts). Every process running a worker fires it: one job per fire time, whatever the
   * number of processes. Throws (TypeError) on an invalid cron, an unknown time zone or task.
   */
  schedule(name: string, options: ScheduleOptions): Promise<ScheduleInfo>;
  /** Removes the schedule; false if there was none. Jobs it already enqueued are not touched. */
  unschedule(name: string): Promise<boolean>;
  /** Every schedule, by name, with its next fire time. */
  schedules(): Promise<ScheduleInfo[]>;
  /** Pauses (no fire while paused, none caught up on resume) or resumes one. Throws JobsError("not_found"). */
  setSchedulePaused(name: string, paused: boolean): Promise<ScheduleInfo>;
  /** Every job type with pending or running jobs, across tenants (operators, metrics). */
  stats(): Promise<TypeStats[]>;
  /**
   * Pauses or resumes the processing of a task for every worker of every process (they notice within
   * about a second). Jobs can still be enqueued; they wait. Throws JobsError("unknown_task").
   */
  setTaskPaused(task: string, paused: boolean): Promise<void>;
  /** The paused task names. */
  pausedTasks(): Promise<string[]>;
  /** Changes to one job. */
  subscribe(jobId: string, listener: JobEventListener): Unsubscribe;
  /** Changes to every job. */
  onEvent(listener: JobEventListener): Unsubscribe;
  /** Stops delivering events and closes the store. Stop workers and sweepers first. */
  close(): Promise<void>;
}

/** Runs a store call, turning driver failures (connection refused, …) into JobsError("store_unavailable"). */
async function guarded<T>(store: JobStore, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isJobsError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new JobsError(
      "store_unavailable",
      `The ${store.name} job store failed (${reason}). Check that it is running and reachable, then try again.`,
      { cause: error },
    );
  }
}

const notFound = (id: string) =>
  new JobsError(
    "not_found",
    `Job ${id} was not found. It may have expired, been deleted, or belong to someone else.`,
  );

export function createQueue(options: QueueOptions): Queue {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? newJobId;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const tasks = new Map<string, AnyTask>();
  for (const task of options.tasks) {
    if (tasks.has(task.name))
      throw new TypeError(`Task "${task.name}" is registered twice; names must be unique.`);
    tasks.set(task.name, task);
  }
  const events = new EventHub(store);
  const instrumentation = combineInstrumentation(
    options.instrumentation === undefined
      ? []
      : Array.isArray(options.instrumentation)
        ? (options.instrumentation as readonly Instrumentation[])
        : [options.instrumentation as Instrumentation],
  );

  /** Runs a store enqueue under the instrumentation's probe (a span, a counter), if any. */
  const probed = async (
    probe: EnqueueProbe | undefined,
    insert: () => Promise<EnqueueResult[]>,
  ): Promise<EnqueueResult[]> => {
    if (probe === undefined) return insert();
    try {
      const results = await insert();
      probe.end(results);
      return results;
    } catch (error) {
      probe.end(null, error);
      throw error;
    }
  };

  const resolveTask = (ref: TaskRef<unknown>): AnyTask => {
    const name = typeof ref === "string" ? ref : ref.name;
    const task = tasks.get(name);
    if (task === undefined) {
      const known = [...tasks.keys()].join(", ") || "none";
      throw new JobsError(
        "unknown_task",
        `Unknown task "${name}". Register it in createQueue({ tasks }); known: ${known}.`,
      );
    }
    return task;
  };

  /** Synchronous when the schema is (the usual case): bulk enqueues then cost no microtask per job. */
  const prepare = (
    task: AnyTask,
    input: unknown,
    opts: EnqueueOptions,
    now: number,
  ): NewJob | Promise<NewJob> => {
    const validated = validateInput(task, input);
    if (validated instanceof Promise) return validated.then((value) => build(task, input, value, opts, now));
    return build(task, input, validated, opts, now);
  };

  const build = (
    task: AnyTask,
    input: unknown,
    validated: unknown,
    opts: EnqueueOptions,
    now: number,
  ): NewJob => {
    const dedupeKey =
      opts.dedupeKey !== undefined ? opts.dedupeKey : (task.dedupeKey?.(validated as never) ?? null);
    const priority = opts.priority ?? task.priority ?? 0;
    if (opts.priority !== undefined) {
      try {
        checkPriority(opts.priority, "priority");
      } catch (error) {
        throw new JobsError("invalid_input", (error as Error).message);
      }
    }
    const keys = keysOf(task, validated, { tenantId: opts.tenantId });
    return {
      id: newId(),
      tenantId: opts.tenantId,
      type: task.name,
      input: input as NewJob["input"],
      maxAttempts: maxAttemptsOf(task),
      runAt: now + Math.max(0, opts.delayMs ?? 0),
      now,
      idempotencyKey: opts.idempotencyKey ?? null,
      dedupeKey,
      priority,
      concurrencyKey: keys.concurrencyKey,
      rateKey: keys.rateKey,
    };
  };

  const buildMany = async (
    task: AnyTask,
    inputs: readonly unknown[],
    opts: EnqueueOptions,
    now: number,
    probe: EnqueueProbe | undefined,
  ): Promise<NewJob[]> => {
    const jobs: NewJob[] = [];
    const key = opts.idempotencyKey ?? null;
    for (const [i, input] of inputs.entries()) {
      const job = prepare(task, input, key === null ? opts : { ...opts, idempotencyKey: `${key}:${i}` }, now);
      const built = job instanceof Promise ? await job : job;
      if (probe !== undefined) built.traceContext = probe.traceContext;
      jobs.push(built);
    }
    return jobs;
  };

  const queue: Queue = {
    store,
    clock,
    retentionMs,
    taskNames: [...tasks.keys()],
    instrumentation,
    limits: limitsOf(tasks.values()),
    task: (name) => tasks.get(name),
    init: () => guarded(store, () => store.init()),
    async enqueue(ref, input, opts) {
      const task = resolveTask(ref as TaskRef<unknown>);
      const job = await prepare(task, input, opts, clock.now());
      if (instrumentation?.enqueue === undefined) return guarded(store, () => store.enqueue(job));
      const probe = instrumentation.enqueue({ task: task.name, tenantId: opts.tenantId, count: 1 });
      job.traceContext = probe.traceContext;
      const [result] = await probed(probe, async () => [await guarded(store, () => store.enqueue(job))]);
      return result as EnqueueResult;
    },
    async enqueueMany(ref, inputs, opts) {
      const task = resolveTask(ref as TaskRef<unknown>);
      const now = clock.now();
      const probe = instrumentation?.enqueue?.({
        task: task.name,
        tenantId: opts.tenantId,
        count: inputs.length,
      });
      return probed(probe, async () => {
        const jobs = await buildMany(task, inputs, opts, now, probe);
        return guarded(store, () => store.enqueueMany(jobs));
      });
    },
    async prepare(ref, input, opts) {
      // `prepare` here is the builder above: a method's own name is not in scope in its body.
      const task = resolveTask(ref as TaskRef<unknown>);
      const job = await prepare(task, input, opts, clock.now());
      // The job is inserted by the app's own transaction: the span marks where it was prepared.
      const probe = instrumentation?.enqueue?.({ task: task.name, tenantId: opts.tenantId, count: 1 });
      if (probe !== undefined) {
        job.traceContext = probe.traceContext;
        probe.end(null);
      }
      return job;
    },
    async get(tenantId, id) {
      const job = await guarded(store, () => store.get(tenantId, id));
      if (job === null) throw notFound(id);
      return job;
    },
    list: (query) => guarded(store, () => store.list(query)),
    counts: (tenantId, type) => guarded(store, () => store.countByStatus(tenantId, type)),
    async cancel(tenantId, id) {
      const job = await guarded(store, () => store.cancel(tenantId, id, clock.now(), retentionMs));
      if (job === null) throw notFound(id);
      if (job.status === "cancelled") await guarded(store, () => jobEnded(queue, job));
      return job;
    },
    enqueueBatch: (task, inputs, opts) =>
      guarded(store, () => enqueueBatch(queue, task as TaskRef<unknown>, inputs, opts)),
    async flow(tenantId, id, options) {
      const info = await guarded(store, () => flowInfo(queue, tenantId, id, options));
      if (info === null) throw notFound(id);
      return info;
    },
    sweepFlows: () => guarded(store, () => sweepFlows(queue)),
    async retry(tenantId, id) {
      const job = await guarded(store, () => store.retry(tenantId, id, clock.now()));
      if (job === null) throw notFound(id);
      return job;
    },
    async delete(tenantId, id) {
      if (!(await guarded(store, () => store.delete(tenantId, id)))) throw notFound(id);
    },
    async schedule(name, options) {
      const saving = validateSchedule(name, options, (task) => tasks.has(task));
      const saved = await guarded(store, () =>
        store.saveSchedule({ ...saving, createdAt: clock.now() }, clock.now()),
      );
      return describeSchedule(saved, clock.now());
    },
    unschedule: (name) => guarded(store, () => store.deleteSchedule(name)),
    async schedules() {
      const now = clock.now();
      return (await guarded(store, () => store.listSchedules())).map((s) => describeSchedule(s, now));
    },
    async setSchedulePaused(name, paused) {
      // Resuming first marks the fire times missed while paused as done, so none is caught up.
      if (!paused) await guarded(store, () => skipMissedFires(queue, name));
      const saved = await guarded(store, () => store.setSchedulePaused(name, paused, clock.now()));
      if (saved === null) throw new JobsError("not_found", `Schedule "${name}" was not found.`);
      return describeSchedule(saved, clock.now());
    },
    stats: () => guarded(store, () => store.stats(clock.now())),
    async setTaskPaused(name, paused) {
      const task = resolveTask(name);
      await guarded(store, () => store.setTypePaused(task.name, paused, clock.now()));
    },
    pausedTasks: () => guarded(store, () => store.pausedTypes()),
    subscribe: (jobId, listener) => events.forJob(jobId, listener),
    onEvent: (listener) => events.all(listener),
    async close() {
      events.close();
      await store.close();
    },
  };
  return queue;
}
