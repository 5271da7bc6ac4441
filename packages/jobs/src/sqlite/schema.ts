import type Database from "better-sqlite3";

/** Table names of one store; `tablePrefix` lets several stores (or an app's own tables) share a file. */
export interface TableNames {
  jobs: string;
  migrations: string;
  /** Per priority band, the highest fair round ever given (see claim.ts). */
  fairClock: string;
  /** The sliding log of starts per rate bucket (type, rate key). */
  rateStarts: string;
  /** Per rate bucket, blocked until (blockRateKey). */
  rateBlocks: string;
  schedules: string;
  /** Job types paused for every worker (setTypePaused). */
  pausedTypes: string;
  /** Durable steps of jobs (flows.ts). */
  steps: string;
  /** Children and batch groups, and which of their members' ends were counted (flows.ts). */
  groups: string;
  groupEnds: string;
}

const PREFIX_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$|^$/;

export function tableNames(prefix: string): TableNames {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `createSqliteStore: tablePrefix ${JSON.stringify(prefix)} is not a plain SQL identifier; ` +
        'use letters, digits and underscores, starting with a letter or underscore (e.g. "app_").',
    );
  }
  return {
    jobs: `${prefix}jobs`,
    migrations: `${prefix}jobs_migrations`,
    fairClock: `${prefix}jobs_fair_clock`,
    rateStarts: `${prefix}jobs_rate_starts`,
    rateBlocks: `${prefix}jobs_rate_blocks`,
    schedules: `${prefix}jobs_schedules`,
    pausedTypes: `${prefix}jobs_paused_types`,
    steps: `${prefix}jobs_steps`,
    groups: `${prefix}jobs_groups`,
    groupEnds: `${prefix}jobs_group_ends`,
  };
}

interface Migration {
  version: number;
  name: string;
  sql: (t: TableNames) => string;
}

/**
 * Append-only: a released migration is never edited; a change to the schema is a new entry.
 *
 * Index choices (each index costs every write on the hot path, so only these):
 * - claim reads `status = 'pending' AND run_at <= now` — a partial index on run_at beat a full
 *   (status, run_at) index in the prototype's measurements, and stays small once jobs finish
 *   (version 2 splits it into the claim-order and delayed indexes, partial in the same way);
 * - reclaim reads running jobs by lease expiry, the sweeper reads terminal jobs by expires_at;
 * - list pages newest-first per tenant; counts group a tenant's jobs by status (and type);
 * - idempotency keys are unique per tenant forever, dedupe keys only among live (pending/running)
 *   jobs, so the database itself refuses a second live job under one key, across processes.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create jobs",
    sql: ({ jobs }) => `
      CREATE TABLE ${jobs} (
        id TEXT PRIMARY KEY NOT NULL,
        tenant_id TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('pending', 'running', 'complete', 'failed', 'cancelled')),
        progress REAL NOT NULL DEFAULT 0,
        message TEXT,
        input TEXT NOT NULL,
        result TEXT,
        error_code TEXT,
        error_message TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        run_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        idempotency_key TEXT,
        dedupe_key TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        expires_at INTEGER
      );
      CREATE INDEX ${jobs}_pending_run_at ON ${jobs} (run_at) WHERE status = 'pending';
      CREATE INDEX ${jobs}_running_lease ON ${jobs} (lease_expires_at) WHERE status = 'running';
      CREATE INDEX ${jobs}_expires_at ON ${jobs} (expires_at) WHERE expires_at IS NOT NULL;
      CREATE INDEX ${jobs}_tenant_created ON ${jobs} (tenant_id, created_at DESC, id DESC);
      CREATE INDEX ${jobs}_tenant_status ON ${jobs} (tenant_id, status, type);
      CREATE UNIQUE INDEX ${jobs}_idempotency ON ${jobs} (tenant_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE UNIQUE INDEX ${jobs}_dedupe ON ${jobs} (tenant_id, dedupe_key)
        WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running');
    `,
  },
  {
    /**
     * Priority, fair share, concurrency keys and rate limits (claim.ts explains the design):
     * - `fair_round` is a pending job's place in line: NULL while it is not due yet (delayed, a
     *   retry waiting for its backoff, a manual retry, and every job that existed before this
     *   migration), set when it becomes due — at enqueue, or by the claim's promotion step.
     * - the claim walks `pending_order` (priority DESC, fair_round, then rowid, which every SQLite
     *   index carries last): it replaces `pending_run_at`, whose job (finding due jobs by run_at)
     *   only the NULL-round jobs still need, in `pending_delayed`. Both partial, so a due job is in
     *   one of them and a finished job in neither.
     * - `pending_tenant_round` answers "the last round of this tenant's pending jobs in this band"
     *   at enqueue in O(log n) (version 4 replaces it by `tenant_round`, which claims do not touch).
     * - `running_concurrency` counts the running jobs of one (type, concurrency key); only keyed jobs
     *   are in it, so jobs of tasks without a concurrency limit pay nothing for it.
     */
    version: 2,
    name: "queue control",
    sql: ({ jobs, fairClock, rateStarts, rateBlocks }) => `
      ALTER TABLE ${jobs} ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE ${jobs} ADD COLUMN concurrency_key TEXT;
      ALTER TABLE ${jobs} ADD COLUMN rate_key TEXT;
      ALTER TABLE ${jobs} ADD COLUMN fair_round INTEGER;
      DROP INDEX ${jobs}_pending_run_at;
      CREATE INDEX ${jobs}_pending_order ON ${jobs} (priority DESC, fair_round)
        WHERE status = 'pending' AND fair_round IS NOT NULL;
      CREATE INDEX ${jobs}_pending_delayed ON ${jobs} (run_at)
        WHERE status = 'pending' AND fair_round IS NULL;
      CREATE INDEX ${jobs}_pending_tenant_round ON ${jobs} (tenant_id, priority, fair_round)
        WHERE status = 'pending' AND fair_round IS NOT NULL;
      CREATE INDEX ${jobs}_running_concurrency ON ${jobs} (type, concurrency_key)
        WHERE status = 'running' AND concurrency_key IS NOT NULL;
      CREATE TABLE ${fairClock} (
        priority INTEGER PRIMARY KEY NOT NULL,
        round INTEGER NOT NULL
      );
      CREATE TABLE ${rateStarts} (
        type TEXT NOT NULL,
        rate_key TEXT NOT NULL,
        started_at INTEGER NOT NULL
      );
      CREATE INDEX ${rateStarts}_bucket ON ${rateStarts} (type, rate_key, started_at);
      CREATE TABLE ${rateBlocks} (
        type TEXT NOT NULL,
        rate_key TEXT NOT NULL,
        blocked_until INTEGER NOT NULL,
        PRIMARY KEY (type, rate_key)
      ) WITHOUT ROWID;
    `,
  },
  {
    /** Cron schedules, one row per name; the engine computes fire times, the row keeps the last. */
    version: 3,
    name: "schedules",
    sql: ({ schedules }) => `
      CREATE TABLE ${schedules} (
        name TEXT PRIMARY KEY NOT NULL,
        task TEXT NOT NULL,
        cron TEXT NOT NULL,
        timezone TEXT,
        input TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        last_fire_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    /**
     * - `trace_context`: the enqueue's W3C trace context, stored as given.
     * - `tenant_round` replaces `pending_tenant_round`: the same columns, partial on fair_round only,
     *   not on status. A claim and a completion change neither its columns nor its WHERE, so SQLite
     *   leaves it alone; the status-partial one cost every claim an index delete (one leaf page per
     *   tenant dirtied per commit — about 4 µs per job on this machine, a third of the claim and
     *   completion's SQL). The enqueue's "last pending round of the tenant" walks it backwards
     *   skipping the tenant's claimed jobs (claim.ts, lastRound).
     * - `created`: the operator list across tenants, newest first (an append at the end per enqueue).
     * - the paused job types, shared by every process.
     */
    version: 4,
    name: "trace context, operator list, paused types, fair-share index off the claim path",
    sql: ({ jobs, pausedTypes }) => `
      ALTER TABLE ${jobs} ADD COLUMN trace_context TEXT;
      DROP INDEX ${jobs}_pending_tenant_round;
      CREATE INDEX ${jobs}_tenant_round ON ${jobs} (tenant_id, priority, fair_round)
        WHERE fair_round IS NOT NULL;
      CREATE INDEX ${jobs}_created ON ${jobs} (created_at DESC, id DESC);
      CREATE TABLE ${pausedTypes} (
        type TEXT PRIMARY KEY NOT NULL,
        paused_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    /**
     * Version 5, flows (docs/jobs/flows.md): a job's stored steps; groups (a parent's children, a
     * batch) with their remaining count; one row per counted member end, so each is counted once.
     */
    version: 5,
    name: "durable steps, children and batches",
    sql: ({ steps, groups, groupEnds }) => `
      CREATE TABLE ${steps} (
        job_id TEXT NOT NULL,
        name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        result TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        PRIMARY KEY (job_id, name)
      ) WITHOUT ROWID;
      CREATE TABLE ${groups} (
        id TEXT PRIMARY KEY NOT NULL,
        tenant_id TEXT NOT NULL,
        parent_job_id TEXT,
        total INTEGER NOT NULL,
        remaining INTEGER NOT NULL,
        on_complete TEXT,
        done INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX ${groups}_parent ON ${groups} (parent_job_id) WHERE parent_job_id IS NOT NULL;
      CREATE INDEX ${groups}_open ON ${groups} (created_at) WHERE done = 0;
      CREATE TABLE ${groupEnds} (
        group_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        PRIMARY KEY (group_id, idx)
      ) WITHOUT ROWID;
    `,
  },
  {
    /**
     * Version 6, flow retention: a deleted job (queue.delete, the retention sweep) takes its steps
     * with it, and its groups as a parent with their counted ends; a batch goes with the last of its
     * members and its completion job (a member's or completion's idempotency key names the batch:
     * `flow:<batch id>:<index | complete>`; one waiting for its completion job to be enqueued stays).
     * A trigger, so every delete of a job does it in the same statement, whichever code deletes it.
     */
    version: 6,
    name: "flow records removed with their jobs",
    sql: ({ jobs, steps, groups, groupEnds }) => {
      const batchId = "substr(OLD.idempotency_key, 6, instr(substr(OLD.idempotency_key, 6), ':') - 1)";
      const emptyBatch = `${groups}.id = ${batchId} AND ${groups}.parent_job_id IS NULL
          AND (${groups}.done = 1 OR ${groups}.on_complete IS NULL)
          AND NOT EXISTS (SELECT 1 FROM ${jobs} m WHERE m.tenant_id = ${groups}.tenant_id
            AND m.idempotency_key >= 'flow:' || ${groups}.id || ':' AND m.idempotency_key < 'flow:' || ${groups}.id || ';')`;
      return `
      CREATE TRIGGER ${jobs}_flow_retention AFTER DELETE ON ${jobs}
      BEGIN
        DELETE FROM ${steps} WHERE job_id = OLD.id;
        DELETE FROM ${groupEnds} WHERE group_id IN (SELECT id FROM ${groups} WHERE parent_job_id = OLD.id);
        DELETE FROM ${groups} WHERE parent_job_id = OLD.id;
        DELETE FROM ${groupEnds} WHERE OLD.idempotency_key LIKE 'flow:bat%'
          AND group_id IN (SELECT id FROM ${groups} WHERE ${emptyBatch});
        DELETE FROM ${groups} WHERE OLD.idempotency_key LIKE 'flow:bat%' AND ${emptyBatch};
      END;
    `;
    },
  },
  {
    /**
     * Version 7, steps appended in claim order: the steps table was keyed by the job's random id, so
     * each insert landed on a random page of its B-tree (a page read and a page written per step).
     * It is now keyed by the job's rowid first (increasing with enqueue order, so with claim order
     * too), then its id and the step's name: a step goes next to the last ones written, on pages
     * already cached and already dirty in the batch's transaction. A job's steps are still one range,
     * found from the job's row. The id in the key means a step is only ever read for its own job: a
     * VACUUM by an SQLite that renumbered rowids (today's keeps them) would lose the steps of
     * unfinished jobs (they run again, as after a crash), never hand them to another job; a rowid
     * reused after the newest job was deleted is harmless the same way (its steps went with it).
     * The creation time would be as stable but ties within a millisecond (a bulk enqueue) put the
     * random id back in charge of the order. The retention trigger of version 6 is recreated to
     * delete by the new key.
     */
    version: 7,
    name: "steps keyed by their job's rowid",
    sql: ({ jobs, steps, groups, groupEnds }) => {
      const batchId = "substr(OLD.idempotency_key, 6, instr(substr(OLD.idempotency_key, 6), ':') - 1)";
      const emptyBatch = `${groups}.id = ${batchId} AND ${groups}.parent_job_id IS NULL
          AND (${groups}.done = 1 OR ${groups}.on_complete IS NULL)
          AND NOT EXISTS (SELECT 1 FROM ${jobs} m WHERE m.tenant_id = ${groups}.tenant_id
            AND m.idempotency_key >= 'flow:' || ${groups}.id || ':' AND m.idempotency_key < 'flow:' || ${groups}.id || ';')`;
      return `
      DROP TRIGGER ${jobs}_flow_retention;
      CREATE TABLE ${steps}_v7 (
        job_rowid INTEGER NOT NULL,
        job_id TEXT NOT NULL,
        name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        result TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        PRIMARY KEY (job_rowid, job_id, name)
      ) WITHOUT ROWID;
      INSERT INTO ${steps}_v7 (job_rowid, job_id, name, seq, result, started_at, finished_at)
        SELECT j.rowid, s.job_id, s.name, s.seq, s.result, s.started_at, s.finished_at
        FROM ${steps} s JOIN ${jobs} j ON j.id = s.job_id;
      DROP TABLE ${steps};
      ALTER TABLE ${steps}_v7 RENAME TO ${steps};
      CREATE TRIGGER ${jobs}_flow_retention AFTER DELETE ON ${jobs}
      BEGIN
        DELETE FROM ${steps} WHERE job_rowid = OLD.rowid AND job_id = OLD.id;
        DELETE FROM ${groupEnds} WHERE group_id IN (SELECT id FROM ${groups} WHERE parent_job_id = OLD.id);
        DELETE FROM ${groups} WHERE parent_job_id = OLD.id;
        DELETE FROM ${groupEnds} WHERE OLD.idempotency_key LIKE 'flow:bat%'
          AND group_id IN (SELECT id FROM ${groups} WHERE ${emptyBatch});
        DELETE FROM ${groups} WHERE OLD.idempotency_key LIKE 'flow:bat%' AND ${emptyBatch};
      END;
    `;
    },
  },
];

/** The version the last migration brings a file to. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/**
 * Applies the missing migrations in one BEGIN IMMEDIATE transaction: the first process to get the
 * write lock migrates, the others wait (busy_timeout), then find every version in the ledger.
 * `upTo` stops at that version (tests build files as an older release left them).
 */
export function migrate(db: Database.Database, t: TableNames, upTo = Number.POSITIVE_INFINITY): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${t.migrations} (
      version INTEGER PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const applied = new Set(
      db
        .prepare(`SELECT version FROM ${t.migrations}`)
        .pluck()
        .all()
        .map((v) => Number(v)),
    );
    const record = db.prepare(
      `INSERT INTO ${t.migrations} (version, name, applied_at)
       VALUES (?, ?, CAST(unixepoch('subsec') * 1000 AS INTEGER))`,
    );
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version) || migration.version > upTo) continue;
      db.exec(migration.sql(t));
      record.run(migration.version, migration.name);
    }
  }).immediate();
}
