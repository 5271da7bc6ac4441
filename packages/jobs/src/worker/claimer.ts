import type { JobRecord, JobStore, TaskLogger } from "../types.js";

/**
 * How long one event-loop turn may keep claiming in microtasks. A store that answers in a microtask
 * (memory) would otherwise let claim → run → complete → claim spin without ever yielding: after this
 * budget the next claim waits for the next turn (setImmediate), so timers and I/O still get their turn.
 */
const TURN_BUDGET_MS = 1;

export interface ClaimerHost {
  readonly store: JobStore;
  readonly logger: TaskLogger;
  /** True while the worker takes new jobs. */
  readonly accepting: boolean;
  /** Slots free now. */
  freeSlots(): number;
  /** Builds the claim request for `limit` jobs. */
  request(limit: number): Parameters<JobStore["claim"]>[0];
  /** A claimed job, to run now. */
  started(job: JobRecord): void;
}

/**
 * Keeps at most one claim in flight and fills all free slots with it. A claim is issued in a
 * microtask after whatever freed the slots, so the slots freed by the handlers finishing in one turn
 * are claimed together, in the same turn as their completions: a store that batches each turn's
 * writes commits the completions and the next claim in one transaction.
 */
export class Claimer {
  private inFlight: Promise<void> | undefined;
  private wakeAgain = false;
  private scheduled = false;
  /** performance.now() of this turn's first claim; -1 until one is issued in the turn. */
  private turnStartedAt = -1;
  /** Cancelled while a claim was in flight: the claim may have committed but not answered yet. */
  private readonly cancelledWhileClaiming = new Set<string>();

  constructor(private readonly host: ClaimerHost) {}

  /** The claim in flight, if any (stop() waits for it). */
  get claiming(): Promise<void> | undefined {
    return this.inFlight;
  }

  schedule(): void {
    if (this.scheduled || !this.host.accepting) return;
    this.scheduled = true;
    if (this.turnStartedAt < 0 || performance.now() - this.turnStartedAt < TURN_BUDGET_MS) {
      queueMicrotask(this.fill);
    } else {
      setImmediate(this.fill);
    }
  }

  /** A job was cancelled that is not running here: if a claim is in flight, it must not start. */
  cancelled(jobId: string): void {
    if (this.inFlight !== undefined) this.cancelledWhileClaiming.add(jobId);
  }

  /** True when the job was cancelled while the claim that returned it was in flight. */
  wasCancelled(jobId: string): boolean {
    return this.cancelledWhileClaiming.size > 0 && this.cancelledWhileClaiming.has(jobId);
  }

  private readonly fill = (): void => {
    this.scheduled = false;
    if (!this.host.accepting) return;
    if (this.inFlight !== undefined) {
      this.wakeAgain = true;
      return;
    }
    const free = this.host.freeSlots();
    if (free <= 0) return;
    if (this.turnStartedAt < 0) {
      this.turnStartedAt = performance.now();
      setImmediate(this.endTurn);
    }
    this.inFlight = this.host.store.claim(this.host.request(free)).then(this.claimed, this.failed);
  };

  private readonly endTurn = (): void => {
    this.turnStartedAt = -1;
  };

  private readonly claimed = (jobs: JobRecord[]): void => {
    this.inFlight = undefined;
    for (const job of jobs) this.host.started(job);
    this.cancelledWhileClaiming.clear();
    if (this.wakeAgain) {
      this.wakeAgain = false;
      this.schedule();
    }
  };

  private readonly failed = (error: unknown): void => {
    this.inFlight = undefined;
    this.wakeAgain = false;
    this.cancelledWhileClaiming.clear();
    this.host.logger.error("Claiming jobs failed; will try again at the next poll", { error: String(error) });
  };
}
