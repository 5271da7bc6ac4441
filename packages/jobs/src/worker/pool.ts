import type { Queue } from "../queue.js";
import { DEFAULT_TIMEOUT_MS, validateInput } from "../task.js";
import type { JobEvent, JobRecord, TaskContext, TaskLogger, Unsubscribe } from "../types.js";
import { startLeaseKeeping } from "./lease.js";
import { AttemptTimeoutError, decideFailure } from "./outcome.js";
import { JobRun, type RunHost, type StopReason } from "./run.js";
import { DeadlineTimer, every } from "./timer.js";

export interface WorkerOptions {
  /** Handlers running at once. Default 10. */
  concurrency?: number;
  /** How long a claimed job stays ours without a heartbeat. Default 30 s. */
  leaseMs?: number;
  /** Default leaseMs / 3, so two heartbeats can fail before the lease lapses. */
  heartbeatMs?: number;
  /** How often an idle worker looks for due jobs (local enqueues wake it at once). Default 500 ms. */
  pollIntervalMs?: number;
  /** How often expired leases (dead workers) are reclaimed. Default leaseMs / 2. */
  reclaimIntervalMs?: number;
  /** How long stop() waits for running handlers before aborting and releasing them. Default 10 s. */
  shutdownGraceMs?: number;
  workerId?: string;
  logger?: TaskLogger;
  /** For backoff jitter; injectable for deterministic tests. */
  random?: () => number;
}

export interface Worker {
  readonly id: string;
  /** Attempts running now. */
  readonly active: number;
  start(): void;
  /** Stops claiming, waits up to shutdownGraceMs for running handlers, then aborts and releases the rest. */
  stop(): Promise<void>;
}

const consoleLogger: TaskLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[jobs] ${message}`, fields ?? ""),
  error: (message, fields) => console.error(`[jobs] ${message}`, fields ?? ""),
};

class WorkerPool implements Worker, RunHost {
  readonly id: string;
  readonly logger: TaskLogger;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly options: WorkerOptions;
  private readonly runs = new Map<string, JobRun>();
  private readonly deadlines: DeadlineTimer;
  private state: "idle" | "running" | "stopping" | "stopped" = "idle";
  private claiming: Promise<void> | undefined;
  private wakeAgain = false;
  private fillScheduled = false;
  private stopping: Promise<void> | undefined;
  private drainWaiters: Array<() => void> = [];
  private stopTimers: Array<() => void> = [];
  private offEvents: Unsubscribe | undefined;
  private readonly cancelledWhileClaiming = new Set<string>();

  constructor(
    private readonly queue: Queue,
    options: WorkerOptions,
  ) {
    this.options = options;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 10));
    this.leaseMs = options.leaseMs ?? 30_000;
    const heartbeatMs = options.heartbeatMs ?? this.leaseMs / 3;
    if (!(this.leaseMs > 0) || !(heartbeatMs > 0) || heartbeatMs >= this.leaseMs) {
      throw new TypeError(
        `Worker options: heartbeatMs (${heartbeatMs}) must be positive and shorter than leaseMs (${this.leaseMs}), ` +
          "or leases expire while jobs are still running. Leave heartbeatMs out to use leaseMs / 3.",
      );
    }
    this.id = options.workerId ?? `worker_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    this.logger = options.logger ?? consoleLogger;
    this.deadlines = new DeadlineTimer(queue.clock, this.onDeadline);
  }

  get clock() {
    return this.queue.clock;
  }

  get store() {
    return this.queue.store;
  }

  get active(): number {
    return this.runs.size;
  }

  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    const { clock } = this.queue;
    this.offEvents = this.store.subscribe(this.onStoreEvent);
    this.stopTimers.push(
      every(clock, this.options.pollIntervalMs ?? 500, () => this.scheduleFill()),
      startLeaseKeeping({
        queue: this.queue,
        leaseMs: this.leaseMs,
        heartbeatMs: this.options.heartbeatMs ?? Math.floor(this.leaseMs / 3),
        reclaimIntervalMs: this.options.reclaimIntervalMs ?? Math.floor(this.leaseMs / 2),
        random: this.options.random ?? Math.random,
        logger: this.logger,
        runs: () => this.runs.values(),
        leaseLost: (run) => this.leaseLost(run),
      }),
    );
    this.scheduleFill();
  }

  stop(): Promise<void> {
    if (this.state === "idle") this.state = "stopped";
    if (this.state === "stopped") return Promise.resolve();
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  leaseLost(run: JobRun): void {
    this.stopRun(run, "lease_lost");
  }

  private async shutDown(): Promise<void> {
    this.state = "stopping";
    // Heartbeats (the last timer) keep running during the grace period so running jobs keep their leases.
    this.stopTimers.shift()?.();
    await this.claiming;
    if (this.runs.size > 0) {
      let graceTimer: unknown;
      const grace = new Promise<void>((resolve) => {
        graceTimer = this.clock.setTimeout(resolve, this.options.shutdownGraceMs ?? 10_000);
      });
      await Promise.race([this.drained(), grace]);
      this.clock.clearTimeout(graceTimer);
      for (const run of [...this.runs.values()]) this.stopRun(run, "shutdown");
      await this.drained();
    }
    for (const stop of this.stopTimers) stop();
    this.stopTimers = [];
    this.deadlines.clear();
    this.offEvents?.();
    this.state = "stopped";
  }

  private drained(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private readonly onStoreEvent = (event: JobEvent): void => {
    if (event.kind === "enqueued") {
      if (this.runs.size < this.concurrency) this.scheduleFill();
    } else if (event.kind === "cancelled") {
      const run = this.runs.get(event.jobId);
      if (run !== undefined) this.stopRun(run, "cancelled");
      // The claim may have committed but not answered yet: remember, so the run stops as it starts.
      else if (this.claiming !== undefined) this.cancelledWhileClaiming.add(event.jobId);
    }
  };

  /** Claims at most once per event-loop turn, however many jobs finished or arrived in it. */
  private scheduleFill(): void {
    if (this.fillScheduled || this.state !== "running") return;
    this.fillScheduled = true;
    setImmediate(this.fill);
  }

  private readonly fill = (): void => {
    this.fillScheduled = false;
    if (this.state !== "running") return;
    if (this.claiming !== undefined) {
      this.wakeAgain = true;
      return;
    }
    const free = this.concurrency - this.runs.size;
    if (free <= 0) return;
    this.claiming = this.store
      .claim({
        workerId: this.id,
        limit: free,
        leaseMs: this.leaseMs,
        now: this.clock.now(),
        types: this.queue.taskNames,
      })
      .then(
        (jobs) => {
          this.claiming = undefined;
          for (const job of jobs) this.startRun(job);
          this.cancelledWhileClaiming.clear();
          if (this.wakeAgain) {
            this.wakeAgain = false;
            this.scheduleFill();
          }
        },
        (error: unknown) => {
          this.claiming = undefined;
          this.cancelledWhileClaiming.clear();
          this.logger.error("Claiming jobs failed; will try again at the next poll", {
            error: String(error),
          });
        },
      );
  };

  private startRun(job: JobRecord): void {
    const task = this.queue.task(job.type);
    if (task === undefined) {
      // claim() only returns the types we asked for; should a store not, give the job back untouched.
      const lease = { jobId: job.id, workerId: this.id, attempt: job.attempts };
      this.store
        .release(lease, this.clock.now())
        .catch((error: unknown) => this.outcomeNotRecorded(job.id, error));
      return;
    }
    const timeoutMs = task.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const run = new JobRun(job, task, this.id, this.clock.now() + timeoutMs, this);
    this.runs.set(job.id, run);
    if (this.state !== "running") {
      // Claimed while stop() began: give it straight back.
      this.stopRun(run, "shutdown");
      return;
    }
    if (this.cancelledWhileClaiming.size > 0 && this.cancelledWhileClaiming.has(job.id)) {
      this.stopRun(run, "cancelled");
      return;
    }
    this.deadlines.arm(run.deadline);
    void this.execute(run);
  }

  /** One async function per attempt rather than a chain of callbacks: the hot path allocates little. */
  private async execute(run: JobRun): Promise<void> {
    let ok = false;
    let value: unknown;
    try {
      const input = validateInput(run.task, run.job.input);
      run.input = input instanceof Promise ? await input : input;
      if (!run.settled) {
        value = await run.task.handler(run as unknown as TaskContext<never>);
        ok = true;
      }
    } catch (error) {
      value = error;
    }
    if (ok && !run.settled && run.stopReason === undefined && !run.reportedProgress) {
      // The common case inlined (a success with no progress to flush): two async frames less per job.
      run.settled = true;
      const result = (value === undefined ? null : value) as JobRecord["result"];
      try {
        await this.store.complete(run.lease, result, this.clock.now(), this.queue.retentionMs);
      } catch (error) {
        this.outcomeNotRecorded(run.jobId, error);
      }
      this.free(run);
      return;
    }
    await this.finish(run, ok, value);
  }

  private stopRun(run: JobRun, reason: StopReason): void {
    if (run.settled || !run.stop(reason)) return;
    void this.finish(run, false, undefined);
  }

  private readonly onDeadline = (now: number): void => {
    let next = Number.POSITIVE_INFINITY;
    for (const run of this.runs.values()) {
      if (run.settled) continue;
      if (run.deadline <= now) {
        if (run.stop("timeout"))
          this.finish(run, false, new AttemptTimeoutError(run.task.timeoutMs ?? DEFAULT_TIMEOUT_MS));
      } else if (run.deadline < next) {
        next = run.deadline;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.deadlines.arm(next);
  };

  /** Decides the attempt's outcome once and writes it; the slot frees when the write is done. */
  private async finish(run: JobRun, ok: boolean, value: unknown): Promise<void> {
    if (run.settled) return;
    run.settled = true;
    const reason = run.stopReason;
    try {
      if (reason === "shutdown") await this.store.release(run.lease, this.clock.now());
      else if (reason === "cancelled" || reason === "lease_lost") return;
      else if (ok && reason === undefined) await this.complete(run, value);
      else await this.fail(run, value);
    } catch (error) {
      this.outcomeNotRecorded(run.jobId, error);
    } finally {
      this.free(run);
    }
  }

  private outcomeNotRecorded(jobId: string, error: unknown): void {
    this.logger.error("Could not record the job's outcome; its lease will expire and it will be retried", {
      jobId,
      error: String(error),
    });
  }

  /** The last progress value is written before the outcome (no closure: this runs once per job). */
  private async complete(run: JobRun, value: unknown): Promise<void> {
    const settling = run.settleProgress();
    if (settling !== undefined) await settling;
    const result = (value === undefined ? null : value) as JobRecord["result"];
    await this.store.complete(run.lease, result, this.clock.now(), this.queue.retentionMs);
  }

  private async fail(run: JobRun, error: unknown): Promise<void> {
    const settling = run.settleProgress();
    if (settling !== undefined) await settling;
    const now = this.clock.now();
    const decision = decideFailure(run.job, run.task, error, now, this.options.random ?? Math.random);
    if (decision.retryAt === undefined) {
      this.logger.warn("Job failed", { jobId: run.jobId, type: run.job.type, error: decision.error.message });
    }
    const retentionMs = this.queue.retentionMs;
    const options =
      decision.retryAt === undefined ? { now, retentionMs } : { retryAt: decision.retryAt, now, retentionMs };
    await this.store.fail(run.lease, decision.error, options);
  }

  private free(run: JobRun): void {
    this.runs.delete(run.jobId);
    if (this.state === "running") this.scheduleFill();
    else if (this.runs.size === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

export function createWorker(queue: Queue, options: WorkerOptions = {}): Worker {
  return new WorkerPool(queue, options);
}
