import type { ChildOutcome } from "../flows/groups.js";
import type { AttemptOutcome, AttemptProbe } from "../instrumentation.js";
import type { Queue, TaskRef } from "../queue.js";
import type { AnyTask } from "../task.js";
import type { Clock, JobRecord, JobStore, Lease, TaskContext, TaskLogger } from "../types.js";
import { ProgressCoalescer } from "./progress.js";
import { FlowRun, type SpawnedChildren, type WaitForChildrenOptions } from "./steps.js";

/** Why an attempt was stopped from outside its handler. */
export type StopReason = "cancelled" | "lease_lost" | "timeout" | "shutdown";

const STOP_MESSAGES: Record<StopReason, string> = {
  cancelled: "The job was cancelled.",
  lease_lost: "This worker lost the job's lease (it was cancelled or reclaimed); stop working on it.",
  timeout: "The attempt ran past its timeout.",
  shutdown: "The worker is shutting down; the job will run again on another worker.",
};

/** The reason an attempt's `ctx.signal` carries. */
export class AttemptAbortedError extends Error {
  override readonly name = "AbortError";
  constructor(readonly reason: StopReason) {
    super(STOP_MESSAGES[reason]);
  }
}

export interface RunHost {
  readonly clock: Clock;
  readonly store: JobStore;
  readonly logger: TaskLogger;
  /** For flows (steps, children): created on the handler's first `ctx.step`/`sleep`/`spawn`. */
  readonly queue: Queue;
  /** A progress write was rejected: the lease is gone. */
  leaseLost(run: JobRun): void;
}

/**
 * One attempt of one job on this worker. It is also the handler's `ctx`, so an attempt costs one object;
 * the AbortController, progress coalescer and logger are created only if the handler uses them.
 */
export class JobRun implements TaskContext<unknown> {
  input: unknown;
  readonly attempt: number;
  readonly jobId: string;
  readonly tenantId: string;
  /** A plain object, not the run itself: stores may copy or serialise what they are given. */
  readonly lease: Lease;
  /** Set once the attempt's outcome was decided (by the handler or from outside); later ones are ignored. */
  settled = false;
  stopReason: StopReason | undefined;
  /** Once settled: whether the handler returned, and what it returned or threw (for the outcome write). */
  succeeded = false;
  outcome: unknown;
  /** The instrumentation's view of this attempt (a span, a timer), when the queue has any. */
  probe: AttemptProbe | undefined;

  /** Reports the attempt's end to the instrumentation, once. */
  ended(outcome: AttemptOutcome, error?: unknown): void {
    const probe = this.probe;
    if (probe === undefined) return;
    this.probe = undefined;
    probe.end(outcome, error);
  }
  /** Clock time its outcome write was issued; the heartbeat gives up on a write unanswered far past it. */
  writingSince: number | undefined;
  private controller: AbortController | undefined;
  private coalescer: ProgressCoalescer | undefined;
  private logger: TaskLogger | undefined;
  private boundProgress: ((percent: number, message?: string) => void) | undefined;
  private flowRun: FlowRun | undefined;

  constructor(
    readonly job: JobRecord,
    readonly task: AnyTask,
    workerId: string,
    readonly deadline: number,
    private readonly host: RunHost,
  ) {
    this.input = job.input;
    this.attempt = job.attempts;
    this.jobId = job.id;
    this.tenantId = job.tenantId;
    this.lease = { jobId: job.id, workerId, attempt: job.attempts };
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.stopReason !== undefined) this.controller.abort(new AttemptAbortedError(this.stopReason));
    }
    return this.controller.signal;
  }

  get log(): TaskLogger {
    if (this.logger === undefined) {
      const base = this.host.logger;
      const fields = { jobId: this.jobId, type: this.job.type, attempt: this.attempt };
      this.logger = {
        info: (message, extra) => base.info(message, { ...fields, ...extra }),
        warn: (message, extra) => base.warn(message, { ...fields, ...extra }),
        error: (message, extra) => base.error(message, { ...fields, ...extra }),
      };
    }
    return this.logger;
  }

  /** Bound on first use, so `const { progress } = ctx` works and jobs that never report pay nothing. */
  get progress(): (percent: number, message?: string) => void {
    this.boundProgress ??= (percent, message) => this.report(percent, message);
    return this.boundProgress;
  }

  /** Steps, sleeps and children (worker/steps.ts); nothing is read until the handler uses one. */
  private get flow(): FlowRun {
    this.flowRun ??= new FlowRun({
      queue: this.host.queue,
      lease: this.lease,
      jobId: this.jobId,
      tenantId: this.tenantId,
      leaseLost: () => {
        this.host.leaseLost(this);
        return new AttemptAbortedError("lease_lost");
      },
    });
    return this.flowRun;
  }

  step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    return this.flow.step(name, fn);
  }

  sleep(name: string, ms: number): Promise<void> {
    return this.flow.sleepUntil(`ctx.sleep("${name}")`, name, this.host.clock.now() + ms);
  }

  waitUntil(name: string, date: Date | number): Promise<void> {
    const at = typeof date === "number" ? date : date.getTime();
    return this.flow.sleepUntil(`ctx.waitUntil("${name}")`, name, at);
  }

  spawn<I>(task: TaskRef<I>, inputs: readonly I[]): Promise<SpawnedChildren> {
    return this.flow.spawn(task as TaskRef<unknown>, inputs);
  }

  waitForChildren(options?: WaitForChildrenOptions): Promise<ChildOutcome[]> {
    return this.flow.waitForChildren(options);
  }

  private report(percent: number, message: string | undefined): void {
    if (this.settled || this.stopReason !== undefined) return;
    if (this.coalescer === undefined) {
      const { clock, store } = this.host;
      this.coalescer = new ProgressCoalescer(
        clock,
        (progress, msg) => store.updateProgress(this.lease, progress, msg, clock.now()),
        () => this.host.leaseLost(this),
        (error) => this.log.warn("Could not save progress; will try again", { error: String(error) }),
      );
    }
    this.coalescer.report(percent, message);
  }

  /** Aborts the handler's signal. The first reason wins; returns false if already stopped. */
  stop(reason: StopReason): boolean {
    if (this.stopReason !== undefined) return false;
    this.stopReason = reason;
    // A timed-out attempt still writes its last progress before failing; the others must not write.
    if (reason !== "timeout") this.coalescer?.close();
    this.controller?.abort(new AttemptAbortedError(reason));
    return true;
  }

  get reportedProgress(): boolean {
    return this.coalescer !== undefined;
  }

  /** Before a failure: the last progress value is written first, so a failed job shows where it stopped. */
  settleProgress(): Promise<void> | undefined {
    return this.coalescer?.settle();
  }

  /** Before a completion: no more progress writes; the last message (or null) goes with the completion. */
  finishProgress(): string | null {
    return this.coalescer?.finish() ?? null;
  }
}
