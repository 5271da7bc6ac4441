import type { Queue } from "../queue.js";
import { startScheduler } from "../schedules.js";
import { DEFAULT_TIMEOUT_MS } from "../task.js";
import type { JobEvent, JobRecord, TaskLogger, Unsubscribe } from "../types.js";
import { runAttempt } from "./attempt.js";
import { Claimer } from "./claimer.js";
import { startLeaseKeeping } from "./lease.js";
import { type Worker, type WorkerOptions, type WorkerSettings, workerSettings } from "./options.js";
import { AttemptTimeoutError } from "./outcome.js";
import { OutcomeWrites } from "./outcome-writes.js";
import { outcomeNotRecorded, recordOutcome } from "./record-outcome.js";
import { JobRun, type RunHost, type StopReason } from "./run.js";
import { DeadlineTimer, every } from "./timer.js";

export type { Worker, WorkerOptions } from "./options.js";

/**
 * A settled attempt whose outcome is still unwritten this many leases later is given up on: its lease
 * is no longer renewed, so the job is reclaimed and runs again. A slow store gets this much grace; a
 * write whose answer never comes (a reply lost by the connection) no longer pins the job as running.
 */
export const STALLED_WRITE_LEASES = 2;

/**
 * Outcome writes that may be unanswered at once, per slot. With one per slot a worker whose store
 * answers in one round trip completes at most `concurrency` jobs per round trip, and a slot waits
 * for room while the batch of the previous turn is still out; four per slot let the next turns'
 * writes go out behind it (PostgreSQL: ~7.3k → ~10.4k no-op jobs/s at concurrency 20 in the claim
 * probe of docs/jobs/postgres-claim.md), while a stalled store still stops the worker after
 * 4 × concurrency unanswered writes.
 */
export const OUTCOME_WRITES_PER_SLOT = 4;

/**
 * Claims jobs into `concurrency` slots and runs their handlers. A slot is held from the claim until the
 * attempt's outcome write is issued (outcome-writes.ts), so at most `concurrency` handlers run at once
 * and at most {@link OUTCOME_WRITES_PER_SLOT} × `concurrency` outcome writes are unanswered.
 */
class WorkerPool implements Worker, RunHost {
  readonly id: string;
  readonly logger: TaskLogger;
  readonly random: () => number;
  private readonly settings: WorkerSettings;
  private readonly runs = new Map<string, JobRun>();
  /** Attempts whose outcome write is issued but not answered: their leases are still ours to keep. */
  private readonly writing = new Set<JobRun>();
  private readonly deadlines: DeadlineTimer;
  private readonly claimer: Claimer;
  private readonly writes: OutcomeWrites<JobRun>;
  private state: "idle" | "running" | "stopping" | "stopped" = "idle";
  private stopping: Promise<void> | undefined;
  private drainWaiters: Array<() => void> = [];
  private stopTimers: Array<() => void> = [];
  private offEvents: Unsubscribe | undefined;

  constructor(
    readonly queue: Queue,
    options: WorkerOptions,
  ) {
    this.settings = workerSettings(options);
    this.id = this.settings.id;
    this.logger = this.settings.logger;
    this.random = this.settings.random;
    this.deadlines = new DeadlineTimer(queue.clock, this.onDeadline);
    this.claimer = new Claimer(this);
    this.claimTypes = queue.taskNames;
    this.writes = new OutcomeWrites(
      this.settings.concurrency * OUTCOME_WRITES_PER_SLOT,
      this.write,
      this.free,
    );
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

  get accepting(): boolean {
    return this.state === "running";
  }

  freeSlots(): number {
    return this.settings.concurrency - this.runs.size;
  }

  /** The task types this worker claims: the queue's, less the paused ones. */
  private claimTypes: readonly string[];
  private pausedKey = "";

  request(limit: number) {
    const { leaseMs } = this.settings;
    const request = { workerId: this.id, limit, leaseMs, now: this.clock.now(), types: this.claimTypes };
    const { limits } = this.queue;
    return limits === undefined ? request : { ...request, limits };
  }

  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    const { settings, queue } = this;
    this.offEvents = this.store.subscribe(this.onStoreEvent);
    this.stopTimers.push(
      every(queue.clock, settings.pollIntervalMs, () => this.claimer.schedule()),
      startLeaseKeeping({
        queue,
        leaseMs: settings.leaseMs,
        heartbeatMs: settings.heartbeatMs,
        reclaimIntervalMs: settings.reclaimIntervalMs,
        outcomeWriteTimeoutMs: settings.leaseMs * STALLED_WRITE_LEASES,
        random: settings.random,
        logger: this.logger,
        runs: () => this.heldLeases(),
        leaseLost: (run) => this.leaseLost(run),
        writeStalled: (run) => this.writeStalled(run),
      }),
    );
    if (settings.schedules)
      this.stopTimers.push(startScheduler(queue, settings.scheduleIntervalMs, this.logger));
    this.stopTimers.push(every(queue.clock, settings.pausedRefreshMs, this.refreshPaused));
    this.refreshPaused();
    this.claimer.schedule();
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
    await this.claimer.claiming;
    if (this.runs.size > 0) {
      let graceTimer: unknown;
      const grace = new Promise<void>((resolve) => {
        graceTimer = this.clock.setTimeout(resolve, this.settings.shutdownGraceMs);
      });
      await Promise.race([this.drained(), grace]);
      this.clock.clearTimeout(graceTimer);
      for (const run of [...this.runs.values()]) this.stopRun(run, "shutdown");
      await this.drained();
    }
    // Outcome writes issued before or during the grace period must be answered before we report stopped.
    await this.writes.idle();
    for (const stop of this.stopTimers) stop();
    this.stopTimers = [];
    this.deadlines.clear();
    this.offEvents?.();
    this.state = "stopped";
  }

  /**
   * Every attempt whose lease we must keep: running, waiting for room to write its outcome, or
   * writing it. A lease left to lapse while its completion waits behind a slow store would let a
   * reclaim run the finished job again and refuse the completion.
   */
  private *heldLeases(): Iterable<JobRun> {
    yield* this.runs.values();
    yield* this.writing;
  }

  private readonly write = (run: JobRun): Promise<void> => {
    run.writingSince = this.clock.now();
    this.writing.add(run);
    return recordOutcome(this, run).finally(() => this.writing.delete(run));
  };

  /**
   * The attempt's outcome write got no answer for STALLED_WRITE_LEASES leases: stop keeping its lease
   * (the job is reclaimed and runs again) and give its room back, so later outcomes are written and
   * stop() does not wait for an answer that will never come. A late answer changes nothing more here.
   */
  private writeStalled(run: JobRun): void {
    if (!this.writing.delete(run)) return;
    this.writes.abandon(run);
  }

  private drained(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private refreshingPaused = false;
  private readonly refreshPaused = (): void => {
    if (this.refreshingPaused) return;
    this.refreshingPaused = true;
    this.store
      .pausedTypes()
      .then(
        (paused) => {
          const key = paused.join("\u0000");
          if (key === this.pausedKey) return;
          this.pausedKey = key;
          const skip = new Set(paused);
          this.claimTypes = this.queue.taskNames.filter((name) => !skip.has(name));
          if (paused.length > 0) this.logger.info("Paused task types are not claimed", { paused });
          this.claimer.schedule();
        },
        (error: unknown) =>
          this.logger.warn("Reading the paused task types failed", { error: String(error) }),
      )
      .finally(() => {
        this.refreshingPaused = false;
      });
  };

  private readonly onStoreEvent = (event: JobEvent): void => {
    if (event.kind === "enqueued") {
      if (this.runs.size < this.settings.concurrency) this.claimer.schedule();
    } else if (event.kind === "cancelled") {
      const run = this.runs.get(event.jobId);
      if (run !== undefined) this.stopRun(run, "cancelled");
      else this.claimer.cancelled(event.jobId);
    }
  };

  started(job: JobRecord): void {
    const task = this.queue.task(job.type);
    if (task === undefined) {
      // claim() only returns the types we asked for; should a store not, give the job back untouched.
      const lease = { jobId: job.id, workerId: this.id, attempt: job.attempts };
      this.store
        .release(lease, this.clock.now())
        .catch((error: unknown) => outcomeNotRecorded(this.logger, job.id, error));
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
    if (this.claimer.wasCancelled(job.id)) {
      this.stopRun(run, "cancelled");
      return;
    }
    this.deadlines.arm(run.deadline);
    const probe = this.queue.instrumentation?.attempt?.(job);
    if (probe === undefined) void runAttempt(run, this.settle);
    else {
      run.probe = probe;
      void probe.run(() => runAttempt(run, this.settle));
    }
  }

  private stopRun(run: JobRun, reason: StopReason): void {
    if (run.settled || !run.stop(reason)) return;
    this.settle(run, false, undefined);
  }

  private readonly onDeadline = (now: number): void => {
    let next = Number.POSITIVE_INFINITY;
    for (const run of this.runs.values()) {
      if (run.settled) continue;
      if (run.deadline <= now) {
        if (run.stop("timeout"))
          this.settle(run, false, new AttemptTimeoutError(run.task.timeoutMs ?? DEFAULT_TIMEOUT_MS));
      } else if (run.deadline < next) {
        next = run.deadline;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.deadlines.arm(next);
  };

  /** Decides the attempt's outcome once; its slot frees when the outcome write is issued. */
  private readonly settle = (run: JobRun, ok: boolean, value: unknown): void => {
    if (run.settled) return;
    run.settled = true;
    run.succeeded = ok;
    run.outcome = value;
    const reason = run.stopReason;
    // Cancelled or lost: the job is no longer ours, there is nothing to write.
    if (reason === "cancelled" || reason === "lease_lost") {
      run.ended(reason);
      this.free(run);
    } else this.writes.submit(run);
  };

  private readonly free = (run: JobRun): void => {
    // The same job may have been claimed again (a new attempt) after this one lost its lease: that
    // attempt's slot is not ours to free.
    if (this.runs.get(run.jobId) === run) this.runs.delete(run.jobId);
    if (this.state === "running") this.claimer.schedule();
    else if (this.runs.size === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };
}

export function createWorker(queue: Queue, options: WorkerOptions = {}): Worker {
  return new WorkerPool(queue, options);
}
