import type pg from "pg";
import type { FlowStore, GroupRecord, StepRecord } from "../flows/types.js";
import type { Fairness, Json, Lease } from "../types.js";
import { Batcher } from "./batcher.js";
import type { PgEvents } from "./events.js";
import { type EventRow, publishing, rowEvent } from "./sql.js";
import type { SchemaNames } from "./statements/names.js";
import { roundsOf } from "./statements/rounds.js";

interface GroupRow {
  id: string;
  tenant_id: string;
  parent_job_id: string | null;
  total: number;
  remaining: number;
  on_complete: GroupRecord["onComplete"];
  done: boolean;
  created_at: string;
}

const toGroup = (row: GroupRow): GroupRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  parentJobId: row.parent_job_id,
  total: row.total,
  remaining: row.remaining,
  onComplete: row.on_complete,
  done: row.done,
  createdAt: Number(row.created_at),
});

interface StepWrite {
  lease: Lease;
  step: StepRecord;
  now: number;
}

const HELD = "j.id = $1 AND j.status = 'running' AND j.lease_owner = $2 AND j.attempts = $3";
const GROUP_COLUMNS = "id, tenant_id, parent_job_id, total, remaining, on_complete, done, created_at";

/**
 * The flow primitives on the store's schema (migration 000005). Each is one statement, so each is
 * atomic on its own: the lease check and the write in one UPDATE/CTE, a member's end counted by an
 * INSERT … ON CONFLICT DO NOTHING and the decrement in the same statement. Step saves are writes of
 * a running attempt, so they go where its completion goes (the lease pool, relaxed commits by
 * default): a PostgreSQL crash in the ~0.2 s after one is acknowledged can roll it back, which runs
 * that step again — as a rolled-back completion runs the job again (at-least-once, docs/jobs/stores.md).
 */
export class PostgresFlows implements FlowStore {
  private readonly steps: string;
  private readonly groups: string;
  private readonly ends: string;
  /** One job's steps are sequential (the worker awaits each before the next fn), so keyed by job. */
  private readonly stepWrites = new Batcher<StepWrite, boolean>(
    (writes) => this.saveSteps(writes),
    (write) => write.lease.jobId,
  );

  constructor(
    private readonly pool: pg.Pool,
    /** Where the writes of running attempts go (`PostgresStore.leasePool`): step saves. */
    private readonly leasePool: pg.Pool,
    private readonly names: SchemaNames,
    /** A wake is announced like an enqueue: NOTIFY for other processes' workers, locally at once. */
    private readonly events: PgEvents,
    private readonly fairness: Fairness,
  ) {
    this.steps = `${names.quoted}.job_steps`;
    this.groups = `${names.quoted}.job_groups`;
    this.ends = `${names.quoted}.job_group_ends`;
  }

  async loadSteps(jobId: string): Promise<StepRecord[]> {
    const { rows } = await this.pool.query<{
      name: string;
      result: Json;
      started_at: string;
      finished_at: string;
    }>(`SELECT name, result, started_at, finished_at FROM ${this.steps} WHERE job_id = $1 ORDER BY seq`, [
      jobId,
    ]);
    return rows.map((row) => ({
      name: row.name,
      status: "complete",
      result: row.result,
      startedAt: Number(row.started_at),
      finishedAt: Number(row.finished_at),
    }));
  }

  saveStep(lease: Lease, step: StepRecord, now: number): Promise<boolean> {
    return this.stepWrites.push({ lease, step, now });
  }

  /** Every step write issued so far has been answered (the store's close waits for it). */
  drain(): Promise<void> {
    return this.stepWrites.drain();
  }

  /**
   * The steps saved together (the workers' steps that finished in one event-loop turn) as one
   * statement: one round trip and one commit for the lot, instead of one durable commit per step
   * (which made a job with one step ~6× the cost of one without). Each row
   * is still fenced by its own lease (the UPDATE … FROM the unnest()ed input matches only held jobs).
   */
  private async saveSteps(writes: StepWrite[]): Promise<boolean[]> {
    const { rows } = await this.leasePool.query<{ job_id: string }>(
      `WITH u AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[])
           AS u(id, owner, attempt, name, result, started_at, finished_at, now)
       ), held AS (
         UPDATE ${this.names.jobs} j SET updated_at = u.now FROM u
         WHERE j.id = u.id AND j.status = 'running' AND j.lease_owner = u.owner AND j.attempts = u.attempt
         RETURNING j.id
       )
       INSERT INTO ${this.steps} (job_id, name, result, started_at, finished_at)
       SELECT u.id, u.name, u.result::jsonb, u.started_at, u.finished_at FROM u JOIN held ON held.id = u.id
       ON CONFLICT (job_id, name) DO UPDATE
         SET result = EXCLUDED.result, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at
       RETURNING job_id`,
      [
        writes.map((w) => w.lease.jobId),
        writes.map((w) => w.lease.workerId),
        writes.map((w) => w.lease.attempt),
        writes.map((w) => w.step.name),
        writes.map((w) => JSON.stringify(w.step.result)),
        writes.map((w) => w.step.startedAt),
        writes.map((w) => w.step.finishedAt),
        writes.map((w) => w.now),
      ],
    );
    const stored = new Set(rows.map((row) => row.job_id));
    return writes.map((w) => stored.has(w.lease.jobId));
  }

  async suspend(lease: Lease, runAt: number, now: number): Promise<boolean> {
    // Like a retry (fail with retryAt): a new seq, no round, placed in line when it comes due; but
    // the attempt is given back and no error is set.
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.names.jobs} j
       SET status = 'pending', run_at = $4, updated_at = $5, attempts = j.attempts - 1,
         started_at = CASE WHEN j.attempts = 1 THEN NULL ELSE j.started_at END,
         lease_owner = NULL, lease_expires_at = NULL, seq = ${this.names.seq}, fair_round = NULL
       WHERE ${HELD}`,
      [lease.jobId, lease.workerId, lease.attempt, runAt, now],
    );
    return rowCount === 1;
  }

  async wake(jobId: string, now: number): Promise<boolean> {
    // The job comes due now and is placed in line at once, as place_due would place it (so no other
    // process's claim, placing due jobs of every type, holds it unplaced while this one's claim looks);
    // then an "enqueued" event, in the same NOTIFY an enqueue sends (one per wake, none when nothing
    // moved), so a worker of another process claims it without waiting for its poll.
    const { rows } = await this.pool.query<EventRow>({
      name: `${this.names.prefix}flow_wake_${this.fairness}`,
      text: `WITH due AS (
         SELECT id AS key, tenant_id, priority, $2::bigint AS run_at, seq FROM ${this.names.jobs}
         WHERE id = $1 AND status = 'pending' AND run_at > $2 AND fair_round IS NULL
         FOR UPDATE
       ), ${roundsOf(this.names, "due", "s.run_at, s.seq", this.fairness)}, c AS (
         UPDATE ${this.names.jobs} j SET run_at = $2, updated_at = $2, fair_round = r.fair_round
         FROM rounds r WHERE j.id = r.key
         RETURNING j.id, j.tenant_id, j.type, j.status, j.progress, j.message
       )
       ${publishing("'enqueued'", "$3", "$4", "c.id, c.tenant_id, c.type, c.status, c.progress, c.message")}`,
      values: [jobId, now, this.events.origin, this.names.schema],
    });
    const row = rows[0];
    if (row === undefined) return false;
    if (this.events.hasListeners) this.events.emit(rowEvent("enqueued", row));
    return true;
  }

  async createGroup(group: GroupRecord): Promise<GroupRecord> {
    await this.pool.query(
      `INSERT INTO ${this.groups} (${GROUP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
       ON CONFLICT (id) DO NOTHING`,
      [
        group.id,
        group.tenantId,
        group.parentJobId,
        group.total,
        group.remaining,
        group.onComplete === null ? null : JSON.stringify(group.onComplete),
        group.done,
        group.createdAt,
      ],
    );
    return (await this.getGroup(group.id)) as GroupRecord;
  }

  async getGroup(groupId: string): Promise<GroupRecord | null> {
    const { rows } = await this.pool.query<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM ${this.groups} WHERE id = $1`,
      [groupId],
    );
    return rows[0] === undefined ? null : toGroup(rows[0]);
  }

  async groupsOf(jobId: string): Promise<GroupRecord[]> {
    const { rows } = await this.pool.query<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM ${this.groups} WHERE parent_job_id = $1 ORDER BY created_at, id`,
      [jobId],
    );
    return rows.map(toGroup);
  }

  async memberEnded(groupId: string, index: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ remaining: number }>(
      `WITH g AS (
         SELECT id FROM ${this.groups} WHERE id = $1 AND $2::int >= 0 AND $2::int < total
       ), counted AS (
         INSERT INTO ${this.ends} (group_id, idx) SELECT id, $2 FROM g
         ON CONFLICT DO NOTHING RETURNING group_id
       )
       UPDATE ${this.groups} SET remaining = remaining - 1
       WHERE id IN (SELECT group_id FROM counted) RETURNING remaining`,
      [groupId, index],
    );
    return rows[0] === undefined ? null : rows[0].remaining;
  }

  async markGroupDone(groupId: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.groups} SET done = true WHERE id = $1`, [groupId]);
  }

  async openGroups(limit: number): Promise<GroupRecord[]> {
    const { rows } = await this.pool.query<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM ${this.groups} WHERE NOT done ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return rows.map(toGroup);
  }
}
