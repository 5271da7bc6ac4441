import type { Fairness } from "../../types.js";
import { JOB_COLUMNS, publishing } from "../sql.js";
import type { SchemaNames, Statement } from "./names.js";
import { bandHead, roundsOf } from "./rounds.js";

/*
 * The hot path: enqueue, claim and the lease-checked writes of a running attempt. Each statement
 * changes rows and publishes their events (pg_notify, delivered at commit) in one round trip.
 * `$origin` and `$channel` are always the last two parameters.
 */

const EVENT_COLUMNS = "c.id, c.tenant_id, c.type, c.status, c.progress, c.message";
/** What a write returns when its caller only announces the change: no input or result to read back. */
export const RETURNING_EVENT = "j.id, j.tenant_id, j.type, j.status, j.progress, j.message";

/**
 * enqueue — takes parallel arrays ($1 ids, $2 tenant ids, $3 types, $4 inputs as JSON text,
 * $5 max attempts, $6 run at, $7 now, $8 idempotency keys, $9 dedupe keys, $10 priorities,
 * $11 concurrency keys, $12 rate keys, $13 trace contexts), $14 origin, $15 channel; inserts them in array order and
 * returns the rows it created. A row that hits a unique index (idempotency or live dedupe key, or id)
 * is skipped: the caller looks up the job that holds the key.
 *
 * A job due at enqueue gets its place in line here (fair_round, see rounds.ts): with "tenant", two
 * index descents per (tenant, priority) of the batch and consecutive rounds for that tenant's jobs
 * in array order; with "fifo", its run_at. `fairness` null reads the one init() recorded in the
 * schema's settings (enqueueInTransaction has no store to ask). A job not due yet gets no round: it
 * is placed when it comes due.
 */
export function enqueueStatement(n: SchemaNames, fairness: Fairness | null): Statement {
  const mode =
    fairness === null
      ? `mode AS MATERIALIZED (
      SELECT COALESCE((SELECT fairness FROM ${n.quoted}.settings), 'tenant') = 'fifo' AS fifo
    ), `
      : "";
  return {
    name: `${n.prefix}enqueue_${fairness ?? "schema"}`,
    text: `WITH i AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[],
        $7::bigint[], $8::text[], $9::text[], $10::int[], $11::text[], $12::text[], $13::text[])
        WITH ORDINALITY AS i(id, tenant_id, type, input, max_attempts, run_at, now, idempotency_key,
          dedupe_key, priority, concurrency_key, rate_key, trace_context, ord)
    ), ${mode}due AS (
      SELECT ord AS key, tenant_id, priority, run_at FROM i WHERE run_at <= now
    ), ${roundsOf(n, "due", "s.key", fairness)}, c AS (
      INSERT INTO ${n.jobs} (id, tenant_id, type, status, input, max_attempts, run_at, idempotency_key,
        dedupe_key, created_at, updated_at, priority, concurrency_key, rate_key, trace_context, fair_round)
      SELECT i.id, i.tenant_id, i.type, 'pending', i.input::jsonb, i.max_attempts, i.run_at,
        i.idempotency_key, i.dedupe_key, i.now, i.now, i.priority, i.concurrency_key, i.rate_key,
        i.trace_context, r.fair_round
      FROM i LEFT JOIN rounds r ON r.key = i.ord
      ORDER BY i.ord
      ON CONFLICT DO NOTHING
      RETURNING *
    )
    ${publishing("'enqueued'", "$14", "$15", JOB_COLUMNS)}`,
  };
}

/** The claim order: priority band, then place in the band's line, then enqueue order. */
export const CLAIM_ORDER = "priority DESC, fair_round, seq";

/**
 * claim — takes $1 now, $2 types, $3 limit, $4 worker id, $5 lease ms, $6 origin, $7 channel; moves up
 * to `limit` due pending jobs to running under a new lease, in claim order ({@link CLAIM_ORDER}), and
 * returns them in that order. The claim of a request without limits (see claimLimitedStatement).
 *
 * `ready` is an ordered scan of jobs_line from its front — (priority DESC, fair_round, seq), partial
 * on status = 'pending' AND fair_round IS NOT NULL — stopped after `limit` rows: O(log n + limit)
 * whatever the backlog, the same cost as the FIFO scan of (run_at, seq) it replaces. Fairness costs
 * the claim nothing: the order was decided when each job got its round. SKIP LOCKED lets concurrent
 * claimers take disjoint jobs without waiting.
 *
 * Jobs that came due without a place in line (delayed jobs, retries) must be placed before the line
 * is read, or one that outranks it would be passed over. `unplaced` reads the first entry of
 * jobs_delayed (run_at, seq) and compares its run_at with now: one index step, whether or not jobs
 * wait there. (Written as EXISTS (... run_at <= now) pg guessed from the column statistics that many
 * delayed jobs were due and chose a sequential scan that found none, reading the whole table on
 * every claim: test/postgres.test.ts now checks the plan.) When such a job is due the claim takes
 * nothing; the store then places them (placeDueStatement in rounds.ts) and claims again. Placing
 * inside this statement was measured first: its extra CTEs tripled the planning time (pg plans this
 * statement afresh each time, as a generic plan cannot know that `limit` is small) and cost a claim
 * ~30 %.
 *
 * EXPLAIN (5,000 due jobs of four tenants, 1,000 delayed, ANALYZE'd, PostgreSQL 15):
 *   Limit → InitPlan: Limit → Index Only Scan using jobs_delayed        (`unplaced`, one entry)
 *         → LockRows → Result (One-Time Filter: NOT $1)
 *           → Index Scan using jobs_line (Index Cond: fair_round IS NOT NULL;
 *                                         Filter: type = ANY($2), run_at <= $1, status = 'pending')
 *   Update on jobs → Nested Loop → CTE Scan on ready, Index Scan using jobs_pkey (id = ready.id)
 * No sequential scan, no sort of the backlog (the only Sorts are of the ≤ limit claimed rows, for the
 * NOTIFY chunks and the returned order). Planning 0.22 ms against 0.16 ms for the FIFO claim before
 * it on the same data, execution alike (median of 30, a loaded 2-core machine).
 *
 * Where a claim's time goes, and why the index is already the right shape (issue 13): EXPLAIN
 * (ANALYZE, BUFFERS) of a 40-job claim while one worker drains 20,000 due jobs of one tenant, each
 * claim's jobs completed before the next (PostgreSQL 15, a busy 2-core machine; pg_stat_statements
 * is installed but not in shared_preload_libraries on the shared server, so these are EXPLAIN and
 * client-side timings):
 *   - `unplaced`: Index Only Scan of jobs_delayed, 0 rows, 0.002–0.006 ms;
 *   - `ready`: Index Scan of jobs_line + LockRows, 40 rows, 0.05–0.12 ms at 0, 5k, 10k and 15k
 *     jobs drained (the dead entries of claimed jobs at the front of jobs_line cost it ~0.03 ms by
 *     15k; the index stays an ordered read from its front, no sort, no filter that rejects rows);
 *   - the UPDATE (40 rows through jobs_pkey, a new version of each row and its entries in every
 *     index whose key or predicate status is part of), ~0.3–0.45 ms;
 *   - building the events, the pg_notify and the returned sort, ~0.15–0.3 ms;
 *   - planning 0.26–0.32 ms (custom plans; a generic plan — plan_cache_mode=force_generic_plan —
 *     was measured at 2.3× the claim's cost per job, as it cannot use the small LIMIT).
 * So the ordered index read is < 10 % of a claim; what a job costs is the row write and its index
 * entries, done twice (claim, completion), plus the commit. Column order (priority DESC,
 * fair_round, seq) is the claim order itself, so the scan stops after `limit` rows whatever the
 * backlog; `type = ANY` and `run_at <= now` are filters on rows the scan reaches, which for a
 * worker of all its queue's task types rejects none. Per job, a claim of 20 costs ~65 µs of the
 * server and a claim of 100 ~32 µs (serial claim + complete loop, same data): hence the worker's
 * claim-ahead (worker/claimer.ts), which makes claims bigger rather than the index cheaper.
 */
export function claimStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}claim`,
    text: `WITH unplaced AS (
      SELECT COALESCE((
        SELECT run_at FROM ${n.jobs} WHERE status = 'pending' AND fair_round IS NULL ORDER BY run_at, seq LIMIT 1
      ) <= $1, false) AS waiting
    ), ready AS (
      SELECT id FROM ${n.jobs}
      WHERE status = 'pending' AND fair_round IS NOT NULL AND run_at <= $1 AND type = ANY($2::text[])
        AND NOT (SELECT waiting FROM unplaced)
      ORDER BY ${CLAIM_ORDER}
      LIMIT $3
      FOR UPDATE SKIP LOCKED
    ), c AS (
      UPDATE ${n.jobs} j
      SET status = 'running', attempts = j.attempts + 1, lease_owner = $4, lease_expires_at = $1::bigint + $5::bigint,
        started_at = $1, updated_at = $1, progress = 0
      FROM ready WHERE j.id = ready.id
      RETURNING j.*
    )
    ${publishing("'started'", "$6", "$7", JOB_COLUMNS, CLAIM_ORDER)}`,
  };
}

/**
 * claim with limits — $1 now, $2 types, $3 limit, $4 worker id, $5 lease ms, then the limited types
 * as parallel arrays: $6 types, $7 concurrency limits, $8 rate max, $9 rate window ms (null where the
 * type has no such limit), $10 origin, $11 channel. The decisions are made by claim_limited() in
 * migration 000002 (one call: lock the buckets met, count, take, record starts); this statement only
 * publishes what it took. Like the plain claim it takes nothing while a due job waits unplaced.
 */
export function claimLimitedStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}claim_limited`,
    text: `WITH c AS (
      SELECT * FROM ${n.quoted}.claim_limited($1::bigint, $2::text[], $3::int, $4::text, $5::bigint,
        $6::text[], $7::int[], $8::int[], $9::bigint[])
    )
    ${publishing("'started'", "$10", "$11", JOB_COLUMNS, CLAIM_ORDER)}`,
  };
}

/** The lease check every write of a running attempt carries (alias j, unnest alias u). */
const HELD = "j.id = u.id AND j.status = 'running' AND j.lease_owner = u.owner AND j.attempts = u.attempt";

/** extendLease — takes $1 id, $2 owner, $3 attempt, $4 new expiry; one row when the lease is held. */
export function extendLeaseStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}extend_lease`,
    text: `UPDATE ${n.jobs} SET lease_expires_at = $4
      WHERE id = $1 AND status = 'running' AND lease_owner = $2 AND attempts = $3`,
  };
}

/**
 * progress — a batch: $1 ids, $2 owners, $3 attempts, $4 progress, $5 messages (null keeps the old
 * one), $6 now, then origin and channel. Progress never moves backwards within an attempt.
 * Returns the event columns of the jobs whose lease was held.
 */
export function progressStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}progress`,
    text: `WITH u AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::real[], $5::text[], $6::bigint[])
        AS u(id, owner, attempt, progress, message, now)
    ), c AS (
      UPDATE ${n.jobs} j
      SET progress = GREATEST(j.progress, u.progress), message = COALESCE(u.message, j.message),
        updated_at = u.now
      FROM u WHERE ${HELD}
      RETURNING ${RETURNING_EVENT}
    )
    ${publishing("'progress'", "$7", "$8", EVENT_COLUMNS)}`,
  };
}

/**
 * complete — a batch: $1 ids, $2 owners, $3 attempts, $4 results as JSON text, $5 now, $6 expires at,
 * $7 messages (null keeps the old one), then origin and channel. Returns the event columns of the jobs whose lease was held.
 */
export function completeStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}complete`,
    text: `WITH u AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::bigint[],
        $7::text[]) AS u(id, owner, attempt, result, now, expires_at, message)
    ), c AS (
      UPDATE ${n.jobs} j
      SET status = 'complete', progress = 100, result = u.result::jsonb, message = COALESCE(u.message, j.message),
        error = NULL, lease_owner = NULL,
        lease_expires_at = NULL, finished_at = u.now, expires_at = u.expires_at, updated_at = u.now
      FROM u WHERE ${HELD}
      RETURNING ${RETURNING_EVENT}
    )
    ${publishing("'completed'", "$8", "$9", EVENT_COLUMNS)}`,
  };
}

/**
 * fail — takes $1 id, $2 owner, $3 attempt, $4 error JSON, $5 retry at (null = fail for good), $6 now,
 * $7 retention ms, $8 origin, $9 channel. A retry goes back in line at `retry at`.
 */
export function failStatement(n: SchemaNames): Statement {
  const final = "$5::bigint IS NULL";
  return {
    name: `${n.prefix}fail`,
    text: `WITH c AS (
      UPDATE ${n.jobs} j
      SET error = $4::jsonb, lease_owner = NULL, lease_expires_at = NULL, updated_at = $6::bigint,
        status = CASE WHEN ${final} THEN 'failed' ELSE 'pending' END,
        run_at = COALESCE($5::bigint, j.run_at),
        seq = CASE WHEN ${final} THEN j.seq ELSE ${n.seq} END,
        fair_round = CASE WHEN ${final} THEN j.fair_round END, -- a retry is placed when it comes due
        finished_at = CASE WHEN ${final} THEN $6::bigint END,
        expires_at = CASE WHEN ${final} THEN $6::bigint + $7::bigint END
      WHERE j.id = $1 AND j.status = 'running' AND j.lease_owner = $2 AND j.attempts = $3
      RETURNING ${RETURNING_EVENT}
    )
    ${publishing("CASE WHEN c.status = 'pending' THEN 'retrying' ELSE 'failed' END", "$8", "$9", EVENT_COLUMNS)}`,
  };
}

/**
 * release — takes $1 id, $2 owner, $3 attempt, $4 now, $5 origin, $6 channel: the attempt is given
 * back uncounted (graceful shutdown) and the job waits in line again in the place it had: same seq,
 * same round — with "tenant" at most the band's head, since a band that emptied meanwhile restarts
 * its rounds at 0 (see rounds.ts) and the job must not land behind the new line.
 */
export function releaseStatement(n: SchemaNames, fairness: Fairness): Statement {
  const round = fairness === "fifo" ? "j.fair_round" : `LEAST(j.fair_round, ${bandHead(n, "j.priority")})`;
  return {
    name: `${n.prefix}release_${fairness}`,
    text: `WITH c AS (
      UPDATE ${n.jobs} j
      SET status = 'pending', attempts = j.attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
        started_at = CASE WHEN j.attempts = 1 THEN NULL ELSE j.started_at END, updated_at = $4,
        fair_round = ${round}
      WHERE j.id = $1 AND j.status = 'running' AND j.lease_owner = $2 AND j.attempts = $3
      RETURNING ${RETURNING_EVENT}
    )
    ${publishing("'enqueued'", "$5", "$6", EVENT_COLUMNS)}`,
  };
}
