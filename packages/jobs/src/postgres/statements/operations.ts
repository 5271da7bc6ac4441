import type { SchemaNames, Statement } from "./names.js";

/*
 * What operators and metrics read: the queue per job type, and the paused types (migration 000003).
 */

/**
 * stats — $1 now: pending (due or not), due and running jobs per type across tenants, with the oldest
 * due run_at. Three parts, each the predicate of a partial index (jobs_line for placed pending jobs,
 * jobs_delayed for unplaced ones, jobs_running_lease for running ones), so pg reads the live jobs
 * through those indexes — work in proportion to the live jobs, never a scan of the finished jobs kept
 * for retention. (A count cannot be cheaper than the rows it counts without a counter row, and a
 * counter row updated by every enqueue and claim is the hot row the store avoids.)
 */
export function statsStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}stats`,
    text: `SELECT type,
        (count(*) FILTER (WHERE status = 'pending'))::int AS pending,
        (count(*) FILTER (WHERE status = 'pending' AND run_at <= $1))::int AS due,
        (count(*) FILTER (WHERE status = 'running'))::int AS running,
        min(run_at) FILTER (WHERE status = 'pending' AND run_at <= $1) AS oldest_due_at
      FROM (
        SELECT type, status, run_at FROM ${n.jobs} WHERE status = 'pending' AND fair_round IS NOT NULL
        UNION ALL
        SELECT type, status, run_at FROM ${n.jobs} WHERE status = 'pending' AND fair_round IS NULL
        UNION ALL
        SELECT type, status, run_at FROM ${n.jobs} WHERE status = 'running'
      ) live
      GROUP BY type
      ORDER BY type COLLATE "C"`,
  };
}

/** A row of {@link statsStatement}; oldest_due_at is a bigint, so a string. */
export interface StatsRow {
  type: string;
  pending: number;
  due: number;
  running: number;
  oldest_due_at: string | null;
}

/** pause type — $1 type, $2 now; a type already paused keeps its first paused_at. */
export function pauseTypeStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}pause_type`,
    text: `INSERT INTO ${n.quoted}.paused_types (type, paused_at) VALUES ($1, $2) ON CONFLICT (type) DO NOTHING`,
  };
}

/** resume type — $1 type. */
export function resumeTypeStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}resume_type`,
    text: `DELETE FROM ${n.quoted}.paused_types WHERE type = $1`,
  };
}

/** paused types — sorted in byte order (the column's collation is "C"). */
export function pausedTypesStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}paused_types`,
    text: `SELECT type FROM ${n.quoted}.paused_types ORDER BY type`,
  };
}
