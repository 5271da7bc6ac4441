import { JOB_COLUMNS, publishing } from "../sql.js";
import type { SchemaNames, Statement } from "./names.js";

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
 * $5 max attempts, $6 run at, $7 now, $8 idempotency keys, $9 dedupe keys, $10 origin, $11 channel);
 * inserts them in array order and returns the rows it created. A row that hits a unique index
 * (idempotency or live dedupe key, or id) is skipped: the caller looks up the job that holds the key.
 */
export function enqueueStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}enqueue`,
    text: `WITH i AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[],
        $7::bigint[], $8::text[], $9::text[])
        WITH ORDINALITY AS i(id, tenant_id, type, input, max_attempts, run_at, now, idempotency_key,
          dedupe_key, ord)
    ), c AS (
      INSERT INTO ${n.jobs} (id, tenant_id, type, status, input, max_attempts, run_at, idempotency_key,
        dedupe_key, created_at, updated_at)
      SELECT id, tenant_id, type, 'pending', input::jsonb, max_attempts, run_at, idempotency_key,
        dedupe_key, now, now
      FROM i ORDER BY ord
      ON CONFLICT DO NOTHING
      RETURNING *
    )
    ${publishing("'enqueued'", "$10", "$11", JOB_COLUMNS)}`,
  };
}

/**
 * claim — takes $1 now, $2 types, $3 limit, $4 worker id, $5 lease ms, $6 origin, $7 channel; moves up to `limit` due
 * pending jobs (earliest run_at, then place in line) to running under a new lease and returns them
 * in that order. SKIP LOCKED lets concurrent claimers take disjoint jobs without waiting.
 */
export function claimStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}claim`,
    text: `WITH picked AS (
      SELECT id FROM ${n.jobs}
      WHERE status = 'pending' AND run_at <= $1 AND type = ANY($2::text[])
      ORDER BY run_at, seq
      LIMIT $3
      FOR UPDATE SKIP LOCKED
    ), c AS (
      UPDATE ${n.jobs} j
      SET status = 'running', attempts = j.attempts + 1, lease_owner = $4, lease_expires_at = $1::bigint + $5::bigint,
        started_at = $1, updated_at = $1, progress = 0
      FROM picked WHERE j.id = picked.id
      RETURNING j.*
    )
    ${publishing("'started'", "$6", "$7", JOB_COLUMNS, "run_at, seq")}`,
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
 * back uncounted (graceful shutdown) and the job waits in line again at its run_at.
 */
export function releaseStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}release`,
    text: `WITH c AS (
      UPDATE ${n.jobs} j
      SET status = 'pending', attempts = j.attempts - 1, lease_owner = NULL, lease_expires_at = NULL,
        started_at = CASE WHEN j.attempts = 1 THEN NULL ELSE j.started_at END, updated_at = $4,
        seq = ${n.seq}
      WHERE j.id = $1 AND j.status = 'running' AND j.lease_owner = $2 AND j.attempts = $3
      RETURNING ${RETURNING_EVENT}
    )
    ${publishing("'enqueued'", "$5", "$6", EVENT_COLUMNS)}`,
  };
}
