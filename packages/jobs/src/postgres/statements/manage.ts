import { JOB_COLUMNS, publishing } from "../sql.js";
import type { SchemaNames, Statement } from "./names.js";
import { RETURNING_EVENT } from "./write.js";

/*
 * What people and the sweeper do to jobs (cancel, retry, delete, reclaim, expire). Each returns the
 * changed rows and publishes their events at commit; `$origin` and `$channel` come last.
 */

const TERMINAL = "('complete', 'failed', 'cancelled')";

/** cancel — $1 id, $2 tenant, $3 now, $4 retention ms: a pending or running job becomes cancelled. */
export function cancelStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}cancel`,
    text: `WITH c AS (
      UPDATE ${n.jobs}
      SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, finished_at = $3,
        expires_at = $3::bigint + $4::bigint, updated_at = $3
      WHERE id = $1 AND tenant_id = $2 AND status IN ('pending', 'running')
      RETURNING *
    )
    ${publishing("'cancelled'", "$5", "$6", JOB_COLUMNS)}`,
  };
}

/**
 * retry — $1 id, $2 tenant, $3 now: a failed or cancelled job goes back in line with a fresh attempt
 * budget. Fails with a unique violation when another live job holds its dedupe key.
 */
export function retryStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}retry`,
    text: `WITH c AS (
      UPDATE ${n.jobs}
      SET status = 'pending', attempts = 0, progress = 0, message = NULL, result = NULL, error = NULL,
        run_at = $3, started_at = NULL, finished_at = NULL, expires_at = NULL, updated_at = $3,
        seq = ${n.seq}, fair_round = NULL -- placed in line by the next claim, as a job that came due
      WHERE id = $1 AND tenant_id = $2 AND status IN ('failed', 'cancelled')
      RETURNING *
    )
    ${publishing("'enqueued'", "$4", "$5", JOB_COLUMNS)}`,
  };
}

/** delete — $1 id, $2 tenant: removes the job unless it is running. */
export function deleteStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}delete`,
    text: `WITH c AS (
      DELETE FROM ${n.jobs} WHERE id = $1 AND tenant_id = $2 AND status <> 'running' RETURNING *
    )
    ${publishing("'deleted'", "$3", "$4", JOB_COLUMNS)}`,
  };
}

/**
 * expired leases — $1 now, $2 limit: running jobs whose lease ran out, locked for this transaction
 * (SKIP LOCKED: two sweepers split the work instead of waiting on each other).
 */
export function lockExpiredLeasesStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}lock_expired_leases`,
    text: `SELECT ${JOB_COLUMNS} FROM ${n.jobs}
      WHERE status = 'running' AND lease_expires_at < $1
      ORDER BY lease_expires_at
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
  };
}

/**
 * reclaim — $1 ids, $2 retry-at times (null = no attempts left), $3 retry error, $4 final error,
 * $5 now, $6 retention ms, then origin and channel; for rows locked by lockExpiredLeases.
 */
export function reclaimStatement(n: SchemaNames): Statement {
  const final = "u.retry_at IS NULL";
  return {
    name: `${n.prefix}reclaim`,
    text: `WITH u AS (
      SELECT * FROM unnest($1::text[], $2::bigint[]) AS u(id, retry_at)
    ), c AS (
      UPDATE ${n.jobs} j
      SET lease_owner = NULL, lease_expires_at = NULL, updated_at = $5::bigint,
        status = CASE WHEN ${final} THEN 'failed' ELSE 'pending' END,
        error = CASE WHEN ${final} THEN $4::jsonb ELSE $3::jsonb END,
        run_at = COALESCE(u.retry_at, j.run_at),
        seq = CASE WHEN ${final} THEN j.seq ELSE ${n.seq} END,
        fair_round = CASE WHEN ${final} THEN j.fair_round END, -- a retry is placed when it comes due
        finished_at = CASE WHEN ${final} THEN $5::bigint END,
        expires_at = CASE WHEN ${final} THEN $5::bigint + $6::bigint END
      FROM u WHERE j.id = u.id AND j.status = 'running'
      RETURNING ${RETURNING_EVENT}
    )
    ${publishing("CASE WHEN c.status = 'pending' THEN 'retrying' ELSE 'failed' END", "$7", "$8", "c.id, c.tenant_id, c.type, c.status, c.progress, c.message")}`,
  };
}

/** expire — $1 cutoff, $2 limit: deletes terminal jobs whose retention ended. */
export function deleteExpiredStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}delete_expired`,
    text: `WITH doomed AS (
      SELECT id FROM ${n.jobs}
      WHERE expires_at <= $1 AND status IN ${TERMINAL}
      ORDER BY expires_at
      LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), c AS (
      DELETE FROM ${n.jobs} j USING doomed WHERE j.id = doomed.id RETURNING ${RETURNING_EVENT}
    )
    ${publishing("'deleted'", "$3", "$4", "c.id, c.tenant_id, c.type, c.status, c.progress, c.message")}`,
  };
}
