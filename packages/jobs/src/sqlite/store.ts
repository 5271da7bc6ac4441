import type Database from "better-sqlite3";
import { JobsError, LEASE_EXPIRED_FINAL_ERROR, LEASE_EXPIRED_RETRY_ERROR } from "../errors.js";
import { transition } from "../state.js";
import type {
  ClaimRequest,
  EnqueueResult,
  FailOptions,
  JobErrorInfo,
  JobEvent,
  JobEventListener,
  JobRecord,
  JobStatus,
  JobStore,
  Json,
  Lease,
  ListPage,
  ListQuery,
  NewJob,
  StoreCapabilities,
  Unsubscribe,
} from "../types.js";
import { WriteBatcher } from "./batcher.js";
import { JobLister } from "./list.js";
import { eventOf, rowToRecord } from "./rows.js";
import { migrate, type TableNames } from "./schema.js";
import { prepareStatements, type Statements } from "./statements.js";

/**
 * JobStore on one SQLite file, shared by any number of processes. Writes (including claims) issued in
 * one event-loop turn commit together in one immediate transaction (see batcher.ts); reads run at once
 * on the WAL snapshot. Events reach this process's listeners after the commit; other processes poll.
 */
export class SqliteJobStore implements JobStore {
  readonly name = "sqlite";
  readonly capabilities: StoreCapabilities = {
    durable: true,
    crossProcessEvents: false,
    transactionalEnqueue: false,
  };

  private prepared: { sql: Statements; lister: JobLister } | null = null;
  private readonly batcher: WriteBatcher;
  private readonly listeners = new Set<JobEventListener>();
  private lastTypes: { types: readonly string[]; json: string } | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly tables: TableNames,
    private readonly ownsDatabase: boolean,
  ) {
    this.batcher = new WriteBatcher(
      db,
      (events) => this.emit(events),
      (error) =>
        new JobsError(
          "store_unavailable",
          "The SQLite job database could not commit (another process held its write lock longer than " +
            "busy_timeout, or the file is not writable); nothing of this write was saved, try again.",
          { cause: error },
        ),
    );
  }

  async init(): Promise<void> {
    this.prepare();
  }

  async close(): Promise<void> {
    this.batcher.flush();
    this.listeners.clear();
    if (this.ownsDatabase && this.db.open) this.db.close();
  }

  enqueue(job: NewJob): Promise<EnqueueResult> {
    return this.batcher.run((events) => this.insert(job, events));
  }

  enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
    // The nested transaction is a SAVEPOINT: if one insert throws, none of this call's jobs stay,
    // while the other writes of the same batch commit.
    return this.batcher.run((events) => {
      const created: JobEvent[] = [];
      const results = this.db.transaction(() => jobs.map((job) => this.insert(job, created)))();
      events.push(...created);
      return results;
    });
  }

  claim(request: ClaimRequest): Promise<JobRecord[]> {
    if (request.limit <= 0 || request.types.length === 0) return Promise.resolve([]);
    const types = this.typesJson(request.types);
    return this.batcher.run((events) => {
      const { now } = request;
      const rows = this.sql.claim.all(
        request.workerId,
        now + request.leaseMs,
        now,
        now,
        now,
        types,
        request.limit,
      );
      // RETURNING gives no order; the port promises oldest runAt first (ties in enqueue order).
      const jobs = rows.map(rowToRecord).sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt);
      for (const job of jobs) events.push(eventOf("started", job));
      return jobs;
    });
  }

  extendLease(lease: Lease, leaseMs: number, now: number): Promise<boolean> {
    return this.batcher.run(
      () => this.sql.extendLease.run(now + leaseMs, lease.jobId, lease.workerId, lease.attempt).changes === 1,
    );
  }

  updateProgress(lease: Lease, progress: number, message: string | null, now: number): Promise<boolean> {
    return this.batcher.run((events) => {
      const row = this.sql.updateProgress.get(
        progress,
        message,
        now,
        lease.jobId,
        lease.workerId,
        lease.attempt,
      );
      if (row !== undefined) events.push(eventOf("progress", row));
      return row !== undefined;
    });
  }

  complete(lease: Lease, result: Json, now: number, retentionMs: number): Promise<boolean> {
    const resultJson = JSON.stringify(result ?? null);
    return this.batcher.run((events) => {
      const { jobId, workerId, attempt } = lease;
      const row = this.sql.complete.get(resultJson, now, now, now + retentionMs, jobId, workerId, attempt);
      if (row !== undefined) events.push(eventOf("completed", row));
      return row !== undefined;
    });
  }

  fail(lease: Lease, error: JobErrorInfo, options: FailOptions): Promise<boolean> {
    return this.batcher.run((events) => {
      const row =
        options.retryAt === undefined
          ? this.failForGood(lease, error, options.now, options.now + options.retentionMs)
          : this.failToRetry(lease, error, options.retryAt, options.now);
      if (row !== undefined) events.push(eventOf(options.retryAt === undefined ? "failed" : "retrying", row));
      return row !== undefined;
    });
  }

  release(lease: Lease, now: number): Promise<boolean> {
    return this.batcher.run((events) => {
      const row = this.sql.release.get(now, lease.jobId, lease.workerId, lease.attempt);
      if (row !== undefined) events.push(eventOf("enqueued", row));
      return row !== undefined;
    });
  }

  cancel(tenantId: string, jobId: string, now: number, retentionMs: number): Promise<JobRecord | null> {
    return this.batcher.run((events) => {
      const row = this.sql.cancel.get(now, now, now + retentionMs, jobId, tenantId);
      if (row === undefined) {
        const current = this.sql.getOwn.get(jobId, tenantId);
        if (current === undefined) return null;
        transition(current.status, "cancel"); // throws illegal_transition for a finished job
        return rowToRecord(current);
      }
      events.push(eventOf("cancelled", row));
      return rowToRecord(row);
    });
  }

  retry(tenantId: string, jobId: string, now: number): Promise<JobRecord | null> {
    return this.batcher.run((events) => {
      const current = this.sql.getOwn.get(jobId, tenantId);
      if (current === undefined) return null;
      transition(current.status, "manual_retry"); // throws illegal_transition unless failed/cancelled
      if (current.dedupeKey !== null) {
        const holder = this.sql.findLiveByDedupeKey.get(tenantId, current.dedupeKey);
        if (holder !== undefined) {
          throw new JobsError(
            "conflict",
            `Job ${holder.id} with the same dedupe key is still ${holder.status}; wait for it to finish, then retry.`,
          );
        }
      }
      const row = this.sql.retry.get(now, now, jobId, tenantId)!;
      events.push(eventOf("enqueued", row));
      return rowToRecord(row);
    });
  }

  async get(tenantId: string | null, jobId: string): Promise<JobRecord | null> {
    const row = tenantId === null ? this.sql.getAny.get(jobId) : this.sql.getOwn.get(jobId, tenantId);
    return row === undefined ? null : rowToRecord(row);
  }

  async list(query: ListQuery): Promise<ListPage> {
    return this.prepare().lister.list(query);
  }

  async countByStatus(tenantId: string, type?: string): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = {
      pending: 0,
      running: 0,
      complete: 0,
      failed: 0,
      cancelled: 0,
    };
    const rows =
      type === undefined
        ? this.sql.countByStatus.all(tenantId)
        : this.sql.countByStatusOfType.all(tenantId, type);
    for (const row of rows) counts[row.status as JobStatus] = row.n;
    return counts;
  }

  delete(tenantId: string, jobId: string): Promise<boolean> {
    return this.batcher.run((events) => {
      const row = this.sql.deleteOwn.get(jobId, tenantId);
      if (row !== undefined) {
        events.push(eventOf("deleted", row));
        return true;
      }
      if (this.sql.getOwn.get(jobId, tenantId) === undefined) return false;
      throw new JobsError("conflict", `Job ${jobId} is running; cancel it first, then delete it.`);
    });
  }

  reclaimExpiredLeases(
    now: number,
    retentionMs: number,
    retryAt: (job: JobRecord) => number,
  ): Promise<number> {
    return this.batcher.run((events) => {
      let reclaimed = 0;
      for (const job of this.sql.expiredLeases.all(now).map(rowToRecord)) {
        const lease: Lease = { jobId: job.id, workerId: job.leaseOwner ?? "", attempt: job.attempts };
        const retry = job.attempts < job.maxAttempts;
        const row = retry
          ? this.failToRetry(lease, LEASE_EXPIRED_RETRY_ERROR, retryAt(job), now)
          : this.failForGood(lease, LEASE_EXPIRED_FINAL_ERROR, now, now + retentionMs);
        if (row === undefined) continue;
        reclaimed += 1;
        events.push(eventOf(retry ? "retrying" : "failed", row));
      }
      return reclaimed;
    });
  }

  deleteExpired(cutoff: number, limit: number): Promise<number> {
    if (limit <= 0) return Promise.resolve(0);
    return this.batcher.run((events) => {
      const rows = this.sql.deleteExpired.all(cutoff, limit);
      for (const row of rows) events.push(eventOf("deleted", row));
      return rows.length;
    });
  }

  subscribe(listener: JobEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Migrates and prepares on first use, so a store used without init() still works. */
  private prepare(): { sql: Statements; lister: JobLister } {
    if (this.prepared === null) {
      migrate(this.db, this.tables);
      this.prepared = {
        sql: prepareStatements(this.db, this.tables),
        lister: new JobLister(this.db, this.tables.jobs),
      };
    }
    return this.prepared;
  }

  private get sql(): Statements {
    return this.prepared?.sql ?? this.prepare().sql;
  }

  /** Workers pass the same `types` array on every claim: serialise it once. */
  private typesJson(types: readonly string[]): string {
    if (this.lastTypes?.types !== types) this.lastTypes = { types, json: JSON.stringify(types) };
    return this.lastTypes.json;
  }

  private insert(job: NewJob, events: JobEvent[]): EnqueueResult {
    const idempotencyKey = job.idempotencyKey ?? null;
    const dedupeKey = job.dedupeKey ?? null;
    const row = this.sql.insertJob.get({
      id: job.id,
      tenantId: job.tenantId,
      type: job.type,
      input: JSON.stringify(job.input ?? null),
      maxAttempts: job.maxAttempts,
      runAt: job.runAt,
      now: job.now,
      idempotencyKey,
      dedupeKey,
    });
    if (row !== undefined) {
      events.push(eventOf("enqueued", row));
      return { job: rowToRecord(row), created: true };
    }
    // Nothing inserted: a key (or, by mistake, the id) is taken. The key's holder is the answer.
    const existing =
      (idempotencyKey === null
        ? undefined
        : this.sql.findByIdempotencyKey.get(job.tenantId, idempotencyKey)) ??
      (dedupeKey === null ? undefined : this.sql.findLiveByDedupeKey.get(job.tenantId, dedupeKey));
    if (existing !== undefined) return { job: rowToRecord(existing), created: false };
    throw new JobsError("conflict", `A job with id ${job.id} already exists; generate a new id.`);
  }

  private failToRetry(lease: Lease, error: JobErrorInfo, runAt: number, now: number) {
    return this.sql.failToRetry.get(
      error.code,
      error.message,
      runAt,
      now,
      lease.jobId,
      lease.workerId,
      lease.attempt,
    );
  }

  private failForGood(lease: Lease, error: JobErrorInfo, now: number, expiresAt: number) {
    const { jobId, workerId, attempt } = lease;
    return this.sql.failForGood.get(error.code, error.message, now, now, expiresAt, jobId, workerId, attempt);
  }

  private emit(events: JobEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // A failing listener must not break the other listeners or the callers of the write.
        }
      }
    }
  }
}
