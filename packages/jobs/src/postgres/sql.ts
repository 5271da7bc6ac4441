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
}

/** Every column of a job, in the order {@link toJob} reads them (`seq` is the store's own). */
export const JOB_COLUMNS =
  "id, tenant_id, type, status, progress, message, input, result, error, attempts, max_attempts, run_at, " +
  "lease_owner, lease_expires_at, idempotency_key, dedupe_key, created_at, updated_at, started_at, " +
  "finished_at, expires_at";

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
 * the event carries at most this many characters of the message (readers get the rest from the job).
 */
export const EVENT_MESSAGE_CHARS = 1000;

/**
 * A SELECT list entry that publishes the changed row as a {@link JobEvent} on `channel` when the
 * transaction commits. `o` names the store instance that wrote it, so that instance (which already
 * delivered the event locally) skips its own echo. `$origin` and the channel are bound parameters.
 */
export function notifyColumn(kind: string, originParam: string, channelParam: string, alias = "c"): string {
  return `pg_notify(${channelParam}, json_build_object(
    'o', ${originParam}::text, 'kind', ${kind}, 'jobId', ${alias}.id, 'tenantId', ${alias}.tenant_id,
    'type', ${alias}.type, 'status', ${alias}.status, 'progress', ${alias}.progress,
    'message', left(${alias}.message, ${EVENT_MESSAGE_CHARS}))::text) AS notified`;
}
