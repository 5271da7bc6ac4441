import type Database from "better-sqlite3";
import { JobsError } from "../errors.js";
import type {
  ClaimRequest,
  EnqueueResult,
  FailOptions,
  JobErrorInfo,
  JobEvent,
  JobEventKind,
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
import { BackgroundCheckpointer } from "./checkpointer.js";
import { JobLister } from "./list.js";
import { cancelJob, deleteExpiredJobs, deleteJob, reclaimExpired, retryJob } from "./manage.js";
import { claimedRecord, eventOf, insertedRecord, rowToRecord } from "./rows.js";
import { migrate, type TableNames } from "./schema.js";
import { type LeaseWrite, prepareStatements, type Statements } from "./statements.js";

/** How long a statement may block the event loop waiting for a lock before the batcher's timers take over. */
const SYNC_BUSY_WAIT_MS = 5;

const commitFailed = (error: unknown) =>
  new JobsError(
    "store_unavailable",
    "The SQLite job database could not commit (another process held its write lock longer than " +
      "busy_timeout, or the file is not writable); nothing of this write was saved, try again.",
    { cause: error },
  );

/**
 * JobStore on one SQLite file, shared by any number of processes. Writes (claims included) issued in
 * one event-loop turn commit together in one immediate transaction (batcher.ts); reads run at once on
 * the WAL snapshot. Events reach this process's listeners after the commit; other processes poll.
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
  private readonly checkpointer: BackgroundCheckpointer;
  private readonly listeners = new Set<JobEventListener>();
  private lastTypes: { types: readonly string[]; json: string } | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly tables: TableNames,
    private readonly ownsDatabase: boolean,
    private readonly busyTimeoutMs: number,
  ) {
    this.checkpointer = new BackgroundCheckpointer(db);
    this.batcher = new WriteBatcher(
      db,
      (events) => this.emit(events),
      commitFailed,
      busyTimeoutMs,
      () => this.checkpointer.committed(),
    );
  }

  async init(): Promise<void> {
    this.prepare();
  }

  async close(): Promise<void> {
    this.batcher.close();
    await this.checkpointer.stop();
    this.listeners.clear();
    if (this.ownsDatabase && this.db.open) this.db.close();
  }

  enqueue(job: NewJob): Promise<EnqueueResult> {
    return this.batcher.run((events) => this.insert(job, events));
  }

  enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
    // A nested transaction is a SAVEPOINT: if one insert throws, none of this call's jobs stay,
    // while the other writes of the same batch still commit.
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
      const { now, workerId } = request;
      const expires = now + request.leaseMs;
      const rows = this.sql.claim.all(workerId, expires, now, now, now, types, request.limit);
      const jobs = rows.map((row) => claimedRecord(row, workerId, expires, now));
      // RETURNING gives no order; the port promises oldest runAt first.
      if (jobs.length > 1) jobs.sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt);
      if (this.listeners.size > 0) for (const job of jobs) events.push(eventOf("started", job));
      return jobs;
    });
  }

  extendLease({ jobId, workerId, attempt }: Lease, leaseMs: number, now: number): Promise<boolean> {
    return this.batcher.run(
      () => this.sql.extendLease.run(now + leaseMs, jobId, workerId, attempt).changes === 1,
    );
  }

  updateProgress(lease: Lease, progress: number, message: string | null, now: number): Promise<boolean> {
    const { jobId, workerId, attempt } = lease;
    return this.batcher.run((events) =>
      this.leaseWrite(
        this.sql.updateProgress,
        [progress, message, now, jobId, workerId, attempt],
        "progress",
        events,
      ),
    );
  }

  complete(
    lease: Lease,
    result: Json,
    now: number,
    retentionMs: number,
    message?: string | null,
  ): Promise<boolean> {
    const { jobId, workerId, attempt } = lease;
    const params = [
      JSON.stringify(result ?? null),
      message ?? null,
      now,
      now,
      now + retentionMs,
      jobId,
      workerId,
      attempt,
    ] as [string, string | null, number, number, number, string, string, number];
    return this.batcher.run((events) => this.leaseWrite(this.sql.complete, params, "completed", events));
  }

  fail(lease: Lease, error: JobErrorInfo, { retryAt, now, retentionMs }: FailOptions): Promise<boolean> {
    const { jobId, workerId, attempt } = lease;
    return this.batcher.run((events) =>
      retryAt === undefined
        ? this.leaseWrite(
            this.sql.failForGood,
            [error.code, error.message, now, now, now + retentionMs, jobId, workerId, attempt],
            "failed",
            events,
          )
        : this.leaseWrite(
            this.sql.failToRetry,
            [error.code, error.message, retryAt, now, jobId, workerId, attempt],
            "retrying",
            events,
          ),
    );
  }

  release({ jobId, workerId, attempt }: Lease, now: number): Promise<boolean> {
    return this.batcher.run((events) =>
      this.leaseWrite(this.sql.release, [now, jobId, workerId, attempt], "enqueued", events),
    );
  }

  cancel(tenantId: string, jobId: string, now: number, retentionMs: number): Promise<JobRecord | null> {
    return this.batcher.run((events) => cancelJob(this.sql, events, tenantId, jobId, now, retentionMs));
  }

  retry(tenantId: string, jobId: string, now: number): Promise<JobRecord | null> {
    return this.batcher.run((events) => retryJob(this.sql, events, tenantId, jobId, now));
  }

  delete(tenantId: string, jobId: string): Promise<boolean> {
    return this.batcher.run((events) => deleteJob(this.sql, events, tenantId, jobId));
  }

  reclaimExpiredLeases(
    now: number,
    retentionMs: number,
    retryAt: (job: JobRecord) => number,
  ): Promise<number> {
    // Several statements: a SAVEPOINT keeps them all-or-none if retryAt throws part-way.
    return this.batcher.run((events) => {
      const reclaimed: JobEvent[] = [];
      const count = this.db.transaction(() =>
        reclaimExpired(this.sql, reclaimed, now, retentionMs, retryAt),
      )();
      events.push(...reclaimed);
      return count;
    });
  }

  deleteExpired(cutoff: number, limit: number): Promise<number> {
    if (limit <= 0) return Promise.resolve(0);
    return this.batcher.run((events) => deleteExpiredJobs(this.sql, events, cutoff, limit));
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

  subscribe(listener: JobEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Migrates and prepares on first use, so a store used before init() still works. */
  private prepare(): { sql: Statements; lister: JobLister } {
    if (this.prepared === null) {
      // Starting up may wait in SQLite's busy handler (other processes migrating the same file);
      // after that, writes wait for locks with timers (batcher.ts) and only this short sync wait.
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      migrate(this.db, this.tables);
      this.db.pragma(`busy_timeout = ${SYNC_BUSY_WAIT_MS}`);
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
    const { id, tenantId, type, maxAttempts, runAt, now } = job;
    const idempotencyKey = job.idempotencyKey ?? null;
    const dedupeKey = job.dedupeKey ?? null;
    const input = JSON.stringify(job.input ?? null);
    const inserted = this.sql.insertJob.run(
      id,
      tenantId,
      type,
      input,
      maxAttempts,
      runAt,
      idempotencyKey,
      dedupeKey,
      now,
      now,
    );
    if (inserted.changes === 1) {
      const record = insertedRecord(job);
      if (this.listeners.size > 0) events.push(eventOf("enqueued", record));
      return { job: record, created: true };
    }
    // Nothing inserted: a key (or, by mistake, the id) is taken. The key's holder is the answer.
    const existing =
      (idempotencyKey === null ? undefined : this.sql.findByIdempotencyKey.get(tenantId, idempotencyKey)) ??
      (dedupeKey === null ? undefined : this.sql.findLiveByDedupeKey.get(tenantId, dedupeKey));
    if (existing !== undefined) return { job: rowToRecord(existing), created: false };
    throw new JobsError("conflict", `A job with id ${id} already exists; generate a new id.`);
  }

  /** Runs a lease-checked write; reads the event's columns back only when someone listens. */
  private leaseWrite<P extends unknown[]>(
    statement: LeaseWrite<P>,
    params: P,
    kind: JobEventKind,
    events: JobEvent[],
  ): boolean {
    if (this.listeners.size === 0) return statement.plain.run(...params).changes === 1;
    const row = statement.withEvent.get(...params);
    if (row !== undefined) events.push(eventOf(kind, row));
    return row !== undefined;
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
