import type { JobErrorInfo, JobEvent, JobEventKind, JobRecord, JobStatus, Json } from "../types.js";

/** What the store needs from pg: a Pool, a PoolClient or a Client all fit. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(
    config: string | { name?: string; text: string; values?: unknown[] },
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** A jobs row as pg returns it: bigint columns arrive as strings (pg does not guess at precision). */
export interface JobRow {
  id: string;
  tenant_id: string;
  type: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  input: Json;
  result: Json | null;
  error: JobErrorInfo | null;
  attempts: number;
  max_attempts: number;
  run_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  idempotency_key: string | null;
  dedupe_key: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string | null;
  priority: number;
  concurrency_key: string | null;
  rate_key: string | null;
  trace_context: string | null;
}

/** Every column of a job, in the order {@link toJob} reads them (`seq` and `fair_round` are the store's own). */
export const JOB_COLUMNS =
  "id, tenant_id, type, status, progress, message, input, result, error, attempts, max_attempts, run_at, " +
  "lease_owner, lease_expires_at, idempotency_key, dedupe_key, created_at, updated_at, started_at, " +
  "finished_at, expires_at, priority, concurrency_key, rate_key, trace_context";

const ms = (value: string | null): number | null => (value === null ? null : Number(value));

export function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    message: row.message,
    input: row.input,
    result: row.result,
    error: row.error,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: Number(row.run_at),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: ms(row.lease_expires_at),
    idempotencyKey: row.idempotency_key,
    dedupeKey: row.dedupe_key,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    startedAt: ms(row.started_at),
    finishedAt: ms(row.finished_at),
    expiresAt: ms(row.expires_at),
    priority: row.priority,
    concurrencyKey: row.concurrency_key,
    rateKey: row.rate_key,
    traceContext: row.trace_context,
  };
}

/** The columns a statement returns when the caller only needs to announce the change. */
export interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  status: JobStatus;
  progress: number;
  message: string | null;
}

export function rowEvent(kind: JobEventKind, row: EventRow): JobEvent {
  return {
    kind,
    jobId: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    message: row.message,
  };
}

export function eventOf(kind: JobEventKind, job: JobRecord): JobEvent {
  return {
    kind,
    jobId: job.id,
    tenantId: job.tenantId,
    type: job.type,
    status: job.status,
    progress: job.progress,
    message: job.message,
  };
}

/**
 * NOTIFY payloads are capped at 8000 bytes and an oversized one aborts the writer's transaction, so
 * an event carries at most this many characters of the message (readers get the rest from the job)
 * and events are packed into payloads of at most {@link PAYLOAD_BYTES}.
 */
export const EVENT_MESSAGE_CHARS = 1000;
const PAYLOAD_BYTES = 6000;

/**
 * The tail of a statement whose CTE `c` holds the changed rows: selects `columns` from them and
 * publishes their {@link JobEvent}s on the channel when the transaction commits, packed several to a
 * NOTIFY (`{"o": origin, "events": [...]}`) — one NOTIFY per row cost ~40% of a 20-job claim or
 * completion here. `o` names the writing store instance, which skips its own echo. pg_notify is
 * volatile, so PostgreSQL evaluates the `sent` CTE fully even though only its count is read.
 */
export function publishing(
  kind: string,
  originParam: string,
  channelParam: string,
  columns: string,
  orderBy?: string,
): string {
  return `, ev AS (
      SELECT c.*, json_build_object('kind', ${kind}, 'jobId', c.id, 'tenantId', c.tenant_id, 'type', c.type,
        'status', c.status, 'progress', c.progress, 'message', left(c.message, ${EVENT_MESSAGE_CHARS}))::text AS event
      FROM c
    ), sent AS (
      SELECT pg_notify(${channelParam}::text,
        '{"o":' || to_json(${originParam}::text)::text || ',"events":[' || string_agg(event, ',') || ']}')
      FROM (
        SELECT event, sum(octet_length(event) + 1) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) / ${PAYLOAD_BYTES} AS chunk
        FROM ev
      ) chunks
      GROUP BY chunk
    )
    SELECT ${columns} FROM ev AS c CROSS JOIN (SELECT count(*) FROM sent) AS published${orderBy ? ` ORDER BY ${orderBy}` : ""}`;
}
