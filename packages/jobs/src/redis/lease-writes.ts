import { ProgressFirst } from "../postgres/progress-first.js";
import type { FailOptions, JobErrorInfo, Json, Lease } from "../types.js";
import type { ScriptName } from "./scripts.js";

type RunScript = (name: ScriptName, args: (string | number)[]) => Promise<unknown>;

interface CompleteWrite {
  lease: Lease;
  result: Json;
  /** Null keeps the job's message. */
  message: string | null;
  now: number;
  expiresAt: number;
}

interface ProgressWrite {
  lease: Lease;
  progress: number;
  message: string | null;
  now: number;
}

/** Reports fold per lease: one job's attempt under one worker. */
function reportKey(lease: Lease): string {
  return `${lease.jobId}\u0000${lease.workerId}\u0000${lease.attempt}`;
}

function leaseArgs(lease: Lease): (string | number)[] {
  return [lease.jobId, lease.workerId, lease.attempt];
}

interface Queued<W> {
  write: W;
  resolve: (held: boolean) => void;
  reject: (error: unknown) => void;
}

/** Writes taken for one script call (a tick's or a flush's), answered together by settle(). */
export interface TakenWrites {
  reports: Queued<ProgressWrite>[];
  completions: Queued<CompleteWrite>[];
}

/**
 * The writes of a running attempt; each script checks the lease (status, owner, attempt) and changes
 * nothing when it was lost. Progress reports and completions wait in a queue for the end of the
 * event-loop turn (setImmediate, as the Batcher does) — unless the worker's next claim comes first,
 * which it does when the completions freed its slots: the store then takes them with take() and sends
 * them in the claim's own script call (tick.lua), so a round of jobs costs one call, not two. Several
 * reports of one job waiting together fold into one write (the highest progress, the latest message);
 * a report and the completion of one job go in one call, the report first.
 */
export class RedisLeaseWrites {
  private reports = new Map<string, Queued<ProgressWrite>>();
  private completions: Queued<CompleteWrite>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private readonly order = new ProgressFirst();

  constructor(private readonly run: RunScript) {}

  async extend(lease: Lease, expiresAt: number): Promise<boolean> {
    return (await this.run("extend", [...leaseArgs(lease), expiresAt])) === 1;
  }

  progress(lease: Lease, progress: number, message: string | null, now: number): Promise<boolean> {
    const key = reportKey(lease);
    const waiting = this.reports.get(key);
    if (waiting !== undefined) {
      // Folded: one write carries both reports, and both are answered by it.
      const w = waiting.write;
      w.progress = Math.max(w.progress, progress);
      if (message !== null) w.message = message;
      w.now = Math.max(w.now, now);
      return this.order.track(
        lease.jobId,
        new Promise<boolean>((resolve, reject) => {
          const { resolve: first, reject: firstReject } = waiting;
          waiting.resolve = (held) => {
            first(held);
            resolve(held);
          };
          waiting.reject = (error) => {
            firstReject(error);
            reject(error);
          };
        }),
      );
    }
    const write = new Promise<boolean>((resolve, reject) => {
      this.reports.set(key, { write: { lease, progress, message, now }, resolve, reject });
    });
    this.schedule();
    return this.order.track(lease.jobId, write);
  }

  complete(
    lease: Lease,
    result: Json,
    now: number,
    expiresAt: number,
    message: string | null,
  ): Promise<boolean> {
    const push = () =>
      new Promise<boolean>((resolve, reject) => {
        this.completions.push({ write: { lease, result, message, now, expiresAt }, resolve, reject });
        this.schedule();
      });
    // A report still waiting goes in the same call, before the completion; one already sent is waited for.
    if (this.reports.has(reportKey(lease))) return push();
    return this.order.after(lease.jobId, push);
  }

  async fail(lease: Lease, error: JobErrorInfo, options: FailOptions): Promise<boolean> {
    const reply = await this.run("fail", [
      ...leaseArgs(lease),
      JSON.stringify({ code: error.code, message: error.message }),
      options.retryAt ?? "",
      options.now,
      options.now + options.retentionMs,
    ]);
    return reply === 1;
  }

  async release(lease: Lease, now: number): Promise<boolean> {
    return (await this.run("release", [...leaseArgs(lease), now])) === 1;
  }

  /** Resolves once every write queued so far has been answered (or has failed). */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || this.reports.size > 0 || this.completions.length > 0) {
      this.schedule();
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /**
   * Takes the waiting writes for one script call: tick.lua's (or flush's) arguments before a claim's.
   * The caller must call settle() with the call's replies, or settleFailed() with its error.
   */
  take(): { taken: TakenWrites; args: (string | number)[] } | null {
    if (this.reports.size === 0 && this.completions.length === 0) return null;
    const reports = [...this.reports.values()];
    this.reports.clear();
    // Two completions of one job never share a call (which one wins would be left to chance).
    const seen = new Set<string>();
    const completions: Queued<CompleteWrite>[] = [];
    const later: Queued<CompleteWrite>[] = [];
    for (const entry of this.completions) {
      const id = entry.write.lease.jobId;
      if (seen.has(id) || completions.length >= MAX_PER_CALL) later.push(entry);
      else {
        seen.add(id);
        completions.push(entry);
      }
    }
    this.completions = later;
    this.inFlight += 1;
    const args: (string | number)[] = [reports.length];
    for (const { write: w } of reports) {
      args.push(...leaseArgs(w.lease), w.progress, w.message === null ? 0 : 1, w.message ?? "", w.now);
    }
    args.push(completions.length);
    for (const { write: w } of completions) {
      args.push(
        ...leaseArgs(w.lease),
        // undefined (a handler that returned nothing) is stored as JSON null.
        JSON.stringify(w.result ?? null),
        w.message === null ? 0 : 1,
        w.message ?? "",
        w.now,
        w.expiresAt,
      );
    }
    return { taken: { reports, completions }, args };
  }

  /** Answers taken writes from the call's replies (one 1/0 per write, in order). */
  settle(taken: TakenWrites, progressReplies: number[], completionReplies: number[]): void {
    for (const [i, entry] of taken.reports.entries()) entry.resolve(progressReplies[i] === 1);
    for (const [i, entry] of taken.completions.entries()) entry.resolve(completionReplies[i] === 1);
    this.settled();
  }

  settleFailed(taken: TakenWrites, error: unknown): void {
    for (const entry of taken.reports) entry.reject(error);
    for (const entry of taken.completions) entry.reject(error);
    this.settled();
  }

  private settled(): void {
    this.inFlight -= 1;
    if (this.reports.size > 0 || this.completions.length > 0) this.schedule();
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Flushes at the end of the turn, unless a claim takes the writes first or a call is in flight. */
  private schedule(): void {
    if (this.scheduled || this.inFlight > 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight > 0) return;
      const next = this.take();
      if (next === null) {
        this.settledIdle();
        return;
      }
      this.run("tick", next.args).then(
        (reply) => {
          const [progressed, completed] = reply as [number[], number[]];
          this.settle(next.taken, progressed, completed);
        },
        (error: unknown) => this.settleFailed(next.taken, error),
      );
    });
  }

  private settledIdle(): void {
    if (this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Completions per call at most (as the Batcher's batches), so no one call holds Redis long. */
const MAX_PER_CALL = 1000;
