import { JOB_COLUMNS } from "../sql.js";
import type { SchemaNames, Statement } from "./names.js";

/** get — $1 id, $2 tenant (null reads any tenant's job). */
export function getStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}get`,
    text: `SELECT ${JOB_COLUMNS} FROM ${n.jobs} WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)`,
  };
}

/**
 * The job that holds an enqueue's keys — $1 tenant, $2 idempotency key, $3 dedupe key, $4 id.
 * Returned with `holds` saying which key matched, so the caller can prefer the idempotency key.
 */
export function keyHolderStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}key_holder`,
    text: `SELECT ${JOB_COLUMNS},
        CASE WHEN tenant_id = $1 AND idempotency_key = $2 THEN 'idempotency'
             WHEN tenant_id = $1 AND dedupe_key = $3 AND status IN ('pending', 'running') THEN 'dedupe'
             ELSE 'id' END AS holds
      FROM ${n.jobs}
      WHERE (tenant_id = $1 AND idempotency_key = $2)
         OR (tenant_id = $1 AND dedupe_key = $3 AND status IN ('pending', 'running'))
         OR id = $4`,
  };
}

/** counts — $1 tenant, $2 type (null = every type): how many jobs per status. */
export function countsStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}counts`,
    text: `SELECT status, count(*)::int AS n FROM ${n.jobs}
      WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2)
      GROUP BY status`,
  };
}

/**
 * list — $1 tenant (null = every tenant's, for operators), $2 statuses (null = all), $3 type
 * (null = all), $4 cursor created_at, $5 cursor id, $6 limit, $7 search lower-cased (null = none) and
 * $8 the same as an ILIKE pattern (metacharacters escaped), $9 created from (inclusive), $10 created
 * to (exclusive): newest first. Left unnamed on purpose: optional filters make a prepared (generic)
 * plan poor, so pg plans each page for its actual filters — with a tenant, jobs_tenant_created;
 * across tenants (an operator's page) there is no index by creation time alone, on purpose: one more
 * index on every job would cost each enqueue, claim and completion, for a page an operator opens.
 */
export function listText(n: SchemaNames): string {
  return `SELECT ${JOB_COLUMNS} FROM ${n.jobs}
    WHERE ($1::text IS NULL OR tenant_id = $1)
      AND ($2::text[] IS NULL OR status = ANY($2::text[]))
      AND ($3::text IS NULL OR type = $3)
      AND ($4::bigint IS NULL OR (created_at, id) < ($4::bigint, $5::text))
      AND ($7::text IS NULL OR lower(id) = $7 OR input::text ILIKE $8 ESCAPE '\\'
        OR error->>'message' ILIKE $8 ESCAPE '\\')
      AND ($9::bigint IS NULL OR created_at >= $9)
      AND ($10::bigint IS NULL OR created_at < $10)
    ORDER BY created_at DESC, id DESC
    LIMIT $6`;
}
