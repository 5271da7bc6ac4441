import { Batcher } from "../postgres/batcher.js";
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

function leaseArgs(lease: Lease): (string | number)[] {
  return [lease.jobId, lease.workerId, lease.attempt];
}

/**
 * The writes of a running attempt; each script checks the lease (status, owner, attempt) and changes
 * nothing when it was lost. Completions and progress reports issued in one turn go to Redis as one
 * script call, which answers each of them.
 */
export class RedisLeaseWrites {
  private readonly completions: Batcher<CompleteWrite, boolean>;
  private readonly reports: Batcher<ProgressWrite, boolean>;
  private readonly order = new ProgressFirst();

  constructor(private readonly run: RunScript) {
    this.completions = new Batcher(
      (writes) => this.completeBatch(writes),
      (write) => write.lease.jobId,
    );
    this.reports = new Batcher(
      (writes) => this.progressBatch(writes),
      (write) => write.lease.jobId,
    );
  }

  async extend(lease: Lease, expiresAt: number): Promise<boolean> {
    return (await this.run("extend", [...leaseArgs(lease), expiresAt])) === 1;
  }

  progress(lease: Lease, progress: number, message: string | null, now: number): Promise<boolean> {
    return this.order.track(lease.jobId, this.reports.push({ lease, progress, message, now }));
  }

  complete(
    lease: Lease,
    result: Json,
    now: number,
    expiresAt: number,
    message: string | null,
  ): Promise<boolean> {
    return this.order.after(lease.jobId, () =>
      this.completions.push({ lease, result, message, now, expiresAt }),
    );
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

  async drain(): Promise<void> {
    await Promise.all([this.completions.drain(), this.reports.drain()]);
  }

  private async completeBatch(writes: CompleteWrite[]): Promise<boolean[]> {
    const args = writes.flatMap((w) => [
      ...leaseArgs(w.lease),
      // undefined (a handler that returned nothing) is stored as JSON null.
      JSON.stringify(w.result ?? null),
      w.message === null ? 0 : 1,
      w.message ?? "",
      w.now,
      w.expiresAt,
    ]);
    const replies = (await this.run("complete", [writes.length, ...args])) as number[];
    return replies.map((reply) => reply === 1);
  }

  private async progressBatch(writes: ProgressWrite[]): Promise<boolean[]> {
    const args = writes.flatMap((w) => [
      ...leaseArgs(w.lease),
      w.progress,
      w.message === null ? 0 : 1,
      w.message ?? "",
      w.now,
    ]);
    const replies = (await this.run("progress", [writes.length, ...args])) as number[];
    return replies.map((reply) => reply === 1);
  }
}
