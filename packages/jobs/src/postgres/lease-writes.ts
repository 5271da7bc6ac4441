import type pg from "pg";
import type { FailOptions, Fairness, JobErrorInfo, Json, Lease } from "../types.js";
import { Batcher } from "./batcher.js";
import { withReconnect } from "./connection.js";
import type { PgEvents } from "./events.js";
import { ProgressFirst } from "./progress-first.js";
import { type EventRow, rowEvent } from "./sql.js";
import type { SchemaNames, Statement } from "./statements/names.js";
import {
  completeStatement,
  extendLeaseStatement,
  failStatement,
  progressStatement,
  releaseStatement,
} from "./statements/write.js";

interface ProgressWrite {
  lease: Lease;
  progress: number;
  message: string | null;
  now: number;
}

interface CompleteWrite {
  lease: Lease;
  result: Json;
  /** Null keeps the job's message. */
  message: string | null;
  now: number;
  expiresAt: number;
}

/**
 * The writes of a running attempt, each checked against its lease (status running, same owner, same
 * attempt) so a worker that lost its lease changes nothing. Completions and progress reports — the
 * writes there are many of — are batched: those issued together go out as one UPDATE over unnest()ed
 * arrays, one round trip and one commit for the lot.
 */
export class LeaseWrites {
  private readonly completions: Batcher<CompleteWrite, boolean>;
  private readonly reports: Batcher<ProgressWrite, boolean>;
  private readonly order = new ProgressFirst();

  constructor(
    private readonly pool: pg.Pool,
    private readonly names: SchemaNames,
    private readonly events: PgEvents,
    private readonly fairness: Fairness,
  ) {
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
    const statement = extendLeaseStatement(this.names);
    const { rowCount } = await withReconnect(() =>
      this.pool.query({ ...statement, values: [lease.jobId, lease.workerId, lease.attempt, expiresAt] }),
    );
    return rowCount === 1;
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
    const rows = await this.run(failStatement(this.names), [
      lease.jobId,
      lease.workerId,
      lease.attempt,
      JSON.stringify({ code: error.code, message: error.message }),
      options.retryAt ?? null,
      options.now,
      options.retentionMs,
    ]);
    this.announce(rows, (row) => (row.status === "pending" ? "retrying" : "failed"));
    return rows.length === 1;
  }

  async release(lease: Lease, now: number): Promise<boolean> {
    const rows = await this.run(releaseStatement(this.names, this.fairness), [
      lease.jobId,
      lease.workerId,
      lease.attempt,
      now,
    ]);
    this.announce(rows, () => "enqueued");
    return rows.length === 1;
  }

  async drain(): Promise<void> {
    await Promise.all([this.completions.drain(), this.reports.drain()]);
  }

  private async completeBatch(writes: CompleteWrite[]): Promise<boolean[]> {
    const rows = await this.run(completeStatement(this.names), [
      writes.map((w) => w.lease.jobId),
      writes.map((w) => w.lease.workerId),
      writes.map((w) => w.lease.attempt),
      // undefined (a handler that returned nothing) is stored as JSON null.
      writes.map((w) => JSON.stringify(w.result ?? null)),
      writes.map((w) => w.now),
      writes.map((w) => w.expiresAt),
      writes.map((w) => w.message),
    ]);
    this.announce(rows, () => "completed");
    return this.matched(writes, rows);
  }

  private async progressBatch(writes: ProgressWrite[]): Promise<boolean[]> {
    const rows = await this.run(progressStatement(this.names), [
      writes.map((w) => w.lease.jobId),
      writes.map((w) => w.lease.workerId),
      writes.map((w) => w.lease.attempt),
      writes.map((w) => w.progress),
      writes.map((w) => w.message),
      writes.map((w) => w.now),
    ]);
    this.announce(rows, () => "progress");
    return this.matched(writes, rows);
  }

  private matched(writes: { lease: Lease }[], rows: EventRow[]): boolean[] {
    const changed = new Set(rows.map((row) => row.id));
    return writes.map((w) => changed.has(w.lease.jobId));
  }

  private async run(statement: Statement, values: unknown[]): Promise<EventRow[]> {
    const params = [...values, this.events.origin, this.names.schema];
    const { rows } = await withReconnect(() => this.pool.query<EventRow>({ ...statement, values: params }));
    return rows;
  }

  private announce(
    rows: EventRow[],
    kindOf: (row: EventRow) => "completed" | "progress" | "retrying" | "failed" | "enqueued",
  ): void {
    if (!this.events.hasListeners) return;
    for (const row of rows) this.events.emit(rowEvent(kindOf(row), row));
  }
}
