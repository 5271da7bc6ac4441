import type Database from "better-sqlite3";
import { JobsError } from "../errors.js";
import type {
  ClaimRequest,
  EnqueueResult,
  FailOptions,
  Fairness,
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
  ScheduleRecord,
  StoreCapabilities,
  TypeStats,
  Unsubscribe,
} from "../types.js";
import { WriteBatcher } from "./batcher.js";
import { BackgroundCheckpointer } from "./checkpointer.js";
import { type Placement, QueueControl } from "./claim.js";
import { SqliteFlows } from "./flows.js";
import { JobLister } from "./list.js";
import { cancelJob, deleteExpiredJobs, deleteJob, reclaimExpired, retryJob } from "./manage.js";
import { Operations } from "./operations.js";
import { claimedRecord, eventOf, insertedRecord, rowToRecord, sortClaimed } from "./rows.js";
import { ScheduleTable } from "./schedules.js";
import { migrate, type TableNames } from "./schema.js";
import { type LeaseWrite, prepareStatements, type Statements } from "./statements.js";

interface Prepared {
  sql: Statements;
  lister: JobLister;
  control: QueueControl;
  schedules: ScheduleTable;
  operations: Operations;
}

/** True when some requested type has a limit: then the claim counts (claim.ts), else the fast path. */
function hasLimits({ limits, types }: ClaimRequest): boolean {
  if (limits === undefined) return false;
  for (const type of types) {
    if (!Object.hasOwn(limits, type)) continue;
    const limit = limits[type];
    if (limit !== undefined && (limit.concurrency !== undefined || limit.rate !== undefined)) return true;
  }
  return false;
}

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

  private prepared: Prepared | null = null;
  private readonly batcher: WriteBatcher;
  private readonly checkpointer: BackgroundCheckpointer;
  private readonly listeners = new Set<JobEventListener>();
  private lastTypes: { types: readonly string[]; json: string } | null = null;
  /** Steps, suspensions and groups (flows/types.ts). */
  readonly flows: SqliteFlows;

  constructor(
    private readonly db: Database.Database,
    private readonly tables: TableNames,
    private readonly ownsDatabase: boolean,
    private readonly busyTimeoutMs: number,
    private readonly fairness: Fairness,
  ) {
    this.checkpointer = new BackgroundCheckpointer(db);
    this.batcher = new WriteBatcher(
      db,
      (events) => this.emit(events),
      commitFailed,
      busyTimeoutMs,
      () => this.checkpointer.committed(),
    );
    this.flows = new SqliteFlows(db, tables, this.batcher, () => this.prepare());
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
    return this.batcher.run((events) => {
      const placement = this.control.placement();
      const result = this.insert(job, events, placement);
      placement.finish();
      return result;
    });
  }

  enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
    // A nested transaction is a SAVEPOINT: if one insert throws, none of this call's jobs stay,
    // while the other writes of the same batch still commit. One placement for the call: each
    // tenant's line is read once, and its jobs get consecutive rounds.
    return this.batcher.run((events) => {
      const created: JobEvent[] = [];
      const results = this.db.transaction(() => {
        const placement = this.control.placement();
        const inserted = jobs.map((job) => this.insert(job, created, placement));
        placement.finish();
        return inserted;
      })();
      events.push(...created);
      return results;
    });
  }

  claim(request: ClaimRequest): Promise<JobRecord[]> {
    if (request.limit <= 0 || request.types.length === 0) return Promise.resolve([]);
    const types = this.typesJson(request.types);
    const limited = hasLimits(request);
    return this.batcher.run((events) => {
      const { now, workerId } = request;
      const expires = now + request.leaseMs;
      // In the batch's transaction: the promotion's rounds are visible to the claim. A promotion
      // left behind by a claim that throws only placed due jobs in line, which is harmless; the
      // limited claim writes several statements (the claim, the rate starts), so it nests them in a
      // SAVEPOINT (batcher.ts: a write that throws leaves nothing half done).
      this.control.promote(now);
      const rows = limited
        ? this.db.transaction(() => this.control.claimLimited(request, types, expires))()
        : this.control.claimFast([workerId, expires, now, now, now, types], request.limit);
      const jobs = sortClaimed(rows).map((row) => claimedRecord(row, workerId, expires, now));
      if (this.listeners.size > 0) for (const job of jobs) events.push(eventOf("started", job));
      return jobs;
    });
  }

  async stats(now: number): Promise<TypeStats[]> {
    return this.operations.stats(now);
  }

  setTypePaused(type: string, paused: boolean, now: number): Promise<void> {
    return this.batcher.run(() => this.operations.setTypePaused(type, paused, now));
  }

  async pausedTypes(): Promise<string[]> {
    return this.operations.pausedTypes();
  }

  blockRateKey(type: string, key: string, until: number): Promise<void> {
    return this.batcher.run(() => this.control.block(type, key, until));
  }

  saveSchedule(
    schedule: Omit<ScheduleRecord, "paused" | "lastFireAt" | "updatedAt">,
    now: number,
  ): Promise<ScheduleRecord> {
    return this.batcher.run(() => this.schedules.save(schedule, now));
  }

  deleteSchedule(name: string): Promise<boolean> {
    return this.batcher.run(() => this.schedules.delete(name));
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return this.schedules.list();
  }

  setSchedulePaused(name: string, paused: boolean, now: number): Promise<ScheduleRecord | null> {
    return this.batcher.run(() => this.schedules.setPaused(name, paused, now));
  }

  advanceSchedule(name: string, fireAt: number, now: number): Promise<boolean> {
    return this.batcher.run(() => this.schedules.advance(name, fireAt, now));
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
  private prepare(): Prepared {
    if (this.prepared === null) {
      // Starting up may wait in SQLite's busy handler (other processes migrating the same file);
      // after that, writes wait for locks with timers (batcher.ts) and only this short sync wait.
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      migrate(this.db, this.tables);
      this.db.pragma(`busy_timeout = ${SYNC_BUSY_WAIT_MS}`);
      this.prepared = {
        sql: prepareStatements(this.db, this.tables),
        lister: new JobLister(this.db, this.tables.jobs),
        control: new QueueControl(this.db, this.tables, this.fairness),
        schedules: new ScheduleTable(this.db, this.tables),
        operations: new Operations(this.db, this.tables),
      };
    }
    return this.prepared;
  }

  private get sql(): Statements {
    return this.prepared?.sql ?? this.prepare().sql;
  }

  private get control(): QueueControl {
    return this.prepared?.control ?? this.prepare().control;
  }

  private get schedules(): ScheduleTable {
    return this.prepared?.schedules ?? this.prepare().schedules;
  }

  private get operations(): Operations {
    return this.prepared?.operations ?? this.prepare().operations;
  }

  /** Workers pass the same `types` array on every claim: serialise it once. */
  private typesJson(types: readonly string[]): string {
    if (this.lastTypes?.types !== types) this.lastTypes = { types, json: JSON.stringify(types) };
    return this.lastTypes.json;
  }

  private insert(job: NewJob, events: JobEvent[], placement: Placement): EnqueueResult {
    const { id, tenantId, type, maxAttempts, runAt, now } = job;
    const idempotencyKey = job.idempotencyKey ?? null;
    const dedupeKey = job.dedupeKey ?? null;
    const priority = job.priority ?? 0;
    const input = JSON.stringify(job.input ?? null);
    // A due job takes its place in line now; a delayed one when the claim promotes it (claim.ts).
    const round = runAt <= now ? placement.roundFor(tenantId, priority, runAt) : null;
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
      priority,
      job.concurrencyKey ?? null,
      job.rateKey ?? null,
      round,
      job.traceContext ?? null,
    );
    if (inserted.changes === 1) {
      if (round !== null) placement.placed(tenantId, priority, round);
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
