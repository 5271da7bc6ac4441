import type { Fairness } from "../../types.js";
import type { SchemaNames, Statement } from "./names.js";

/*
 * Places in line (fair_round), given when a job comes due: at enqueue, or by place_due for a delayed
 * job or a retry. Claims take (priority DESC, fair_round, seq).
 *
 * Fairness "tenant" is start-time fair queuing: a job of tenant t in band p gets
 *   max(head(p), lastPendingRound(t, p) + 1)
 * and a tenant's n jobs placed together consecutive rounds, so the k-th pending job of every tenant
 * has a round below the (k+1)-th of any tenant: round-robin across tenants, enqueue order within one.
 * - head(p): the lowest round of a due pending job in the band (the front of jobs_line), so a tenant
 *   that had nothing pending starts level with the front: no credit for having waited, no debt for
 *   what it ran before. A band with no pending job has no line to join: everyone starts at 0, level.
 *   Rounds of finished jobs no longer matter, except a running job's, which a release puts back at
 *   most at head(p) (see releaseStatement), so a band that emptied and restarted at 0 does not push
 *   it behind the new line.
 * - lastPendingRound(t, p): the highest round among t's pending jobs in the band (jobs_tenant_line).
 * Both are one index descent on the jobs table, O(log n): no counter row that every enqueue would
 * update — and lock for the whole of an application's transaction, with enqueueInTransaction.
 * Concurrent enqueues of one tenant may compute the same rounds (neither sees the other's uncommitted
 * jobs): harmless, ties go by seq (enqueue order), and the next enqueue sees both.
 * Fairness "fifo": the round is the run_at, so the same index and claim give runAt then enqueue order.
 *
 * The formulas are spliced into the statements rather than kept in a SQL function: pg plans a SQL
 * function's body again on every call, which cost an enqueue of one job more than the rest of it.
 */

/** SQL for head(p): the lowest round of a due pending job in band `priority` (an expression); null if none. */
export function bandHead(n: SchemaNames, priority: string): string {
  return `(SELECT h.fair_round FROM ${n.jobs} h
      WHERE h.status = 'pending' AND h.fair_round IS NOT NULL AND h.priority = ${priority}
      ORDER BY h.priority DESC, h.fair_round
      LIMIT 1)`;
}

/** SQL for the first round a new job of `tenant` in band `priority` gets (see the top of this file). */
function roundBase(n: SchemaNames, tenant: string, priority: string): string {
  return `GREATEST(COALESCE(${bandHead(n, priority)}, 0), (
      SELECT max(l.fair_round) + 1 FROM ${n.jobs} l
      WHERE l.status = 'pending' AND l.fair_round IS NOT NULL AND l.tenant_id = ${tenant} AND l.priority = ${priority}
    ))`;
}

/**
 * CTEs ending in `rounds(key, fair_round)`: the round of each row of the CTE `source` (columns
 * `key`, tenant_id, priority, run_at, and `order`, which orders one tenant's rows). `fairness` null
 * reads the CTE `mode(fifo)` instead (enqueueInTransaction: the schema's recorded setting).
 */
export function roundsOf(n: SchemaNames, source: string, order: string, fairness: Fairness | null): string {
  if (fairness === "fifo") return `rounds AS (SELECT s.key, s.run_at AS fair_round FROM ${source} s)`;
  const fifo = fairness === null ? "(SELECT fifo FROM mode)" : "false";
  return `bases AS (
      SELECT g.tenant_id, g.priority, ${roundBase(n, "g.tenant_id", "g.priority")} AS base
      FROM (SELECT DISTINCT tenant_id, priority FROM ${source}) g
      WHERE NOT ${fifo}
    ), rounds AS (
      SELECT s.key, CASE WHEN ${fifo} THEN s.run_at
        ELSE b.base + row_number() OVER (PARTITION BY s.tenant_id, s.priority ORDER BY ${order}) - 1 END AS fair_round
      FROM ${source} s LEFT JOIN bases b ON b.tenant_id = s.tenant_id AND b.priority = s.priority
    )`;
}

/** At most this many jobs that came due are placed in line per place-due statement. */
export const PLACE_BATCH = 1000;

/**
 * place due — $1 now: gives up to {@link PLACE_BATCH} pending jobs that came due without a place in
 * line (delayed jobs, retries, rows from before migration 000002) their round, oldest first, as if
 * they were enqueued now; returns one row per job placed. The claims take nothing while such a job
 * waits (see claimStatement); the store runs this when a claim came back empty, then claims again.
 * Two callers at once split the due jobs (SKIP LOCKED) instead of waiting for each other.
 */
export function placeDueStatement(n: SchemaNames, fairness: Fairness): Statement {
  return {
    name: `${n.prefix}place_due_${fairness}`,
    text: `WITH due AS (
      SELECT id AS key, tenant_id, priority, run_at, seq FROM ${n.jobs}
      WHERE status = 'pending' AND fair_round IS NULL AND run_at <= $1
      ORDER BY run_at, seq
      LIMIT ${PLACE_BATCH}
      FOR UPDATE SKIP LOCKED
    ), ${roundsOf(n, "due", "s.run_at, s.seq", fairness)}
    UPDATE ${n.jobs} j SET fair_round = r.fair_round FROM rounds r WHERE j.id = r.key
    RETURNING 1`,
  };
}
