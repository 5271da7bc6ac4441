import type Database from "better-sqlite3";
import type { FlowStore, GroupRecord, StepRecord } from "../flows/types.js";
import type { JobEvent, Json, Lease } from "../types.js";
import type { WriteBatcher } from "./batcher.js";
import { EVENT_COLUMNS, type EventRow, eventOf } from "./rows.js";
import type { TableNames } from "./schema.js";

type GroupRow = {
  id: string;
  tenant_id: string;
  parent_job_id: string | null;
  total: number;
  remaining: number;
  on_complete: string | null;
  done: number;
  created_at: number;
};

const toGroup = (row: GroupRow): GroupRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  parentJobId: row.parent_job_id,
  total: row.total,
  remaining: row.remaining,
  onComplete: row.on_complete === null ? null : (JSON.parse(row.on_complete) as GroupRecord["onComplete"]),
  done: row.done === 1,
  createdAt: row.created_at,
});

const HELD = "id = ? AND status = 'running' AND lease_owner = ? AND attempts = ?";

/**
 * The flow primitives on the store's SQLite file (tables of migration 5). Writes go through the
 * store's batcher, so they commit with the other writes of their event-loop turn; each one that
 * needs two statements runs them in that one transaction.
 */
export class SqliteFlows implements FlowStore {
  private statements: ReturnType<typeof prepare> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly tables: TableNames,
    private readonly batcher: WriteBatcher,
    /** Runs the store's migrations if not yet (the tables must exist before preparing). */
    private readonly ready: () => void,
  ) {}

  private get sql(): ReturnType<typeof prepare> {
    if (this.statements === undefined) {
      this.ready();
      this.statements = prepare(this.db, this.tables);
    }
    return this.statements;
  }

  async loadSteps(jobId: string): Promise<StepRecord[]> {
    return this.sql.loadSteps.all(jobId).map((row) => ({
      name: row.name,
      status: "complete",
      result: JSON.parse(row.result) as Json,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    }));
  }

  saveStep(lease: Lease, step: StepRecord, _now: number, ordinal?: number): Promise<boolean> {
    const sql = this.sql;
    const result = JSON.stringify(step.result);
    return this.batcher.run(() => {
      // The fence and the step in one statement: the row is inserted from the job's row only while
      // the lease is held, so a stale lease stores nothing (no other writer runs inside the batch's
      // immediate transaction). The job's row also gives the step's key (its rowid, migration 7).
      const args = [
        step.name,
        result,
        step.startedAt,
        step.finishedAt,
        lease.jobId,
        lease.workerId,
        lease.attempt,
      ] as const;
      const run = ordinal === undefined ? sql.saveStep.run(...args) : sql.saveStepAt.run(ordinal, ...args);
      return run.changes === 1;
    });
  }

  suspend(lease: Lease, runAt: number, now: number): Promise<boolean> {
    const sql = this.sql;
    return this.batcher.run((events: JobEvent[]) => {
      const row = sql.suspend.get(runAt, now, lease.jobId, lease.workerId, lease.attempt);
      if (row !== undefined) events.push(eventOf("enqueued", row));
      return row !== undefined;
    });
  }

  wake(jobId: string, now: number): Promise<boolean> {
    const sql = this.sql;
    return this.batcher.run((events: JobEvent[]) => {
      const row = sql.wake.get(now, now, jobId, now);
      if (row !== undefined) events.push(eventOf("enqueued", row));
      return row !== undefined;
    });
  }

  createGroup(group: GroupRecord): Promise<GroupRecord> {
    const sql = this.sql;
    return this.batcher.run(() => {
      sql.createGroup.run(
        group.id,
        group.tenantId,
        group.parentJobId,
        group.total,
        group.remaining,
        group.onComplete === null ? null : JSON.stringify(group.onComplete),
        group.done ? 1 : 0,
        group.createdAt,
      );
      return toGroup(sql.getGroup.get(group.id) as GroupRow);
    });
  }

  async getGroup(groupId: string): Promise<GroupRecord | null> {
    const row = this.sql.getGroup.get(groupId);
    return row === undefined ? null : toGroup(row);
  }

  async groupsOf(jobId: string): Promise<GroupRecord[]> {
    return this.sql.groupsOf.all(jobId).map(toGroup);
  }

  memberEnded(groupId: string, index: number): Promise<number | null> {
    const sql = this.sql;
    return this.batcher.run(() => {
      const group = sql.getGroup.get(groupId);
      if (group === undefined || index < 0 || index >= group.total) return null;
      if (sql.countEnd.run(groupId, index).changes !== 1) return null;
      return (sql.decrement.get(groupId) as { remaining: number }).remaining;
    });
  }

  markGroupDone(groupId: string): Promise<void> {
    const sql = this.sql;
    return this.batcher.run(() => {
      sql.markDone.run(groupId);
    });
  }

  async openGroups(limit: number): Promise<GroupRecord[]> {
    return this.sql.openGroups.all(limit).map(toGroup);
  }
}

function prepare(db: Database.Database, t: TableNames) {
  const { jobs, steps, groups, groupEnds } = t;
  return {
    /** loadSteps(jobId): the job's steps, one range of the steps' key found from the job's row. */
    loadSteps: db.prepare<
      [string],
      { name: string; result: string; started_at: number; finished_at: number }
    >(
      `SELECT s.name, s.result, s.started_at, s.finished_at FROM ${jobs} j
       JOIN ${steps} s ON s.job_rowid = j.rowid AND s.job_id = j.id
       WHERE j.id = ? ORDER BY s.seq`,
    ),
    /**
     * saveStep(name, result, startedAt, finishedAt, id, owner, attempt): inserts the step when the
     * lease is held (one row changed), its ordinal the job's count of steps.
     */
    saveStep: db.prepare<[string, string, number, number, string, string, number]>(
      `INSERT OR REPLACE INTO ${steps} (job_rowid, job_id, seq, name, result, started_at, finished_at)
       SELECT rowid, id,
         (SELECT COUNT(*) FROM ${steps} s WHERE s.job_rowid = j.rowid AND s.job_id = j.id), ?, ?, ?, ?
       FROM ${jobs} j WHERE ${HELD}`,
    ),
    /** saveStepAt(ordinal, …the arguments of saveStep): the ordinal given (the worker knows it). */
    saveStepAt: db.prepare<[number, string, string, number, number, string, string, number]>(
      `INSERT OR REPLACE INTO ${steps} (job_rowid, job_id, seq, name, result, started_at, finished_at)
       SELECT rowid, id, ?, ?, ?, ?, ? FROM ${jobs} WHERE ${HELD}`,
    ),
    /** suspend(runAt, now, id, owner, attempt): pending at runAt, the attempt given back; placed in line when due. */
    suspend: db.prepare<[number, number, string, string, number], EventRow>(
      `UPDATE ${jobs} SET status = 'pending', run_at = ?, updated_at = ?, attempts = attempts - 1,
         started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END,
         lease_owner = NULL, lease_expires_at = NULL, fair_round = NULL
       WHERE ${HELD} RETURNING ${EVENT_COLUMNS}`,
    ),
    /** wake(now, now, id, now): a pending job not due yet becomes due now. */
    wake: db.prepare<[number, number, string, number], EventRow>(
      `UPDATE ${jobs} SET run_at = ?, updated_at = ?
       WHERE id = ? AND status = 'pending' AND run_at > ? RETURNING ${EVENT_COLUMNS}`,
    ),
    createGroup: db.prepare<[string, string, string | null, number, number, string | null, number, number]>(
      `INSERT OR IGNORE INTO ${groups} (id, tenant_id, parent_job_id, total, remaining, on_complete, done, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getGroup: db.prepare<[string], GroupRow>(`SELECT * FROM ${groups} WHERE id = ?`),
    groupsOf: db.prepare<[string], GroupRow>(
      `SELECT * FROM ${groups} WHERE parent_job_id = ? ORDER BY created_at, id`,
    ),
    countEnd: db.prepare<[string, number]>(
      `INSERT OR IGNORE INTO ${groupEnds} (group_id, idx) VALUES (?, ?)`,
    ),
    decrement: db.prepare<[string], { remaining: number }>(
      `UPDATE ${groups} SET remaining = remaining - 1 WHERE id = ? RETURNING remaining`,
    ),
    markDone: db.prepare<[string]>(`UPDATE ${groups} SET done = 1 WHERE id = ?`),
    openGroups: db.prepare<[number], GroupRow>(
      `SELECT * FROM ${groups} WHERE done = 0 ORDER BY created_at, id LIMIT ?`,
    ),
  };
}
