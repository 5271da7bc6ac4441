import type { JobEvent, JobEventKind, JobRecord, JobStatus, Json, NewJob } from "../types.js";

/**
 * Full rows are read as arrays (better-sqlite3's raw mode), in this column order: building an object
 * with 22 named properties per row cost about twice as much as the array on this machine, and reads
 * of whole jobs are what status polling (GET /api/jobs/:id) does all day.
 */
export const RECORD_COLUMNS = `id, tenant_id, type, status, progress, message, input, result, error_code,
  error_message, attempts, max_attempts, run_at, lease_owner, lease_expires_at, idempotency_key, dedupe_key,
  created_at, updated_at, started_at, finished_at, expires_at, priority, concurrency_key, rate_key,
  trace_context`;

/** A row as RECORD_COLUMNS returns it in raw mode. */
export type JobRow = [
  id: string,
  tenantId: string,
  type: string,
  status: JobStatus,
  progress: number,
  message: string | null,
  input: string,
  result: string | null,
  errorCode: string | null,
  errorMessage: string | null,
  attempts: number,
  maxAttempts: number,
  runAt: number,
  leaseOwner: string | null,
  leaseExpiresAt: number | null,
  idempotencyKey: string | null,
  dedupeKey: string | null,
  createdAt: number,
  updatedAt: number,
  startedAt: number | null,
  finishedAt: number | null,
  expiresAt: number | null,
  priority: number,
  concurrencyKey: string | null,
  rateKey: string | null,
  traceContext: string | null,
];

export function rowToRecord(row: JobRow): JobRecord {
  const [id, tenantId, type, status, progress, message, input, result, errorCode, errorMessage] = row;
  return {
    id,
    tenantId,
    type,
    status,
    progress,
    message,
    input: JSON.parse(input) as Json,
    result: result === null ? null : (JSON.parse(result) as Json),
    error: errorCode === null ? null : { code: errorCode, message: errorMessage ?? "" },
    attempts: row[10],
    maxAttempts: row[11],
    runAt: row[12],
    leaseOwner: row[13],
    leaseExpiresAt: row[14],
    idempotencyKey: row[15],
    dedupeKey: row[16],
    createdAt: row[17],
    updatedAt: row[18],
    startedAt: row[19],
    finishedAt: row[20],
    expiresAt: row[21],
    priority: row[22],
    concurrencyKey: row[23],
    rateKey: row[24],
    traceContext: row[25],
  };
}

/** The columns an event needs, as the write statements RETURN them. */
export interface EventRow {
  id: string;
  tenantId: string;
  type: string;
  status: JobStatus;
  progress: number;
  message: string | null;
}

export const EVENT_COLUMNS = "id, tenant_id AS tenantId, type, status, progress, message";

export function eventOf(kind: JobEventKind, row: EventRow): JobEvent {
  return {
    kind,
    jobId: row.id,
    tenantId: row.tenantId,
    type: row.type,
    status: row.status,
    progress: row.progress,
    message: row.message,
  };
}

/**
 * What a claim RETURNS (raw mode, this order): only the columns it does not set itself. Returning all
 * 22 cost about as much again as the UPDATE, so the rest comes from the claim request. The last two,
 * fair_round and rowid, are not on the record: they put the batch in claim order (sortClaimed).
 */
export const CLAIMED_COLUMNS = `id, tenant_id, type, message, input, error_code, error_message, attempts,
  max_attempts, run_at, idempotency_key, dedupe_key, created_at, priority, concurrency_key, rate_key,
  trace_context, fair_round, rowid`;

export type ClaimedRow = [
  id: string,
  tenantId: string,
  type: string,
  message: string | null,
  input: string,
  errorCode: string | null,
  errorMessage: string | null,
  attempts: number,
  maxAttempts: number,
  runAt: number,
  idempotencyKey: string | null,
  dedupeKey: string | null,
  createdAt: number,
  priority: number,
  concurrencyKey: string | null,
  rateKey: string | null,
  traceContext: string | null,
  fairRound: number,
  seq: number,
];

/**
 * RETURNING gives no order; the port promises claim order: priority DESC, fair_round, enqueue order
 * (rowid) — the order of the claim's index (see claim.ts).
 */
export function sortClaimed(rows: ClaimedRow[]): ClaimedRow[] {
  if (rows.length > 1) rows.sort((a, b) => b[13] - a[13] || a[17] - b[17] || a[18] - b[18]);
  return rows;
}

/** A claimed row as the record the claim made of it (running, under the new lease, progress 0). */
export function claimedRecord(
  row: ClaimedRow,
  workerId: string,
  leaseExpiresAt: number,
  now: number,
): JobRecord {
  const [id, tenantId, type, message, input, errorCode, errorMessage, attempts, maxAttempts, runAt] = row;
  return {
    id,
    tenantId,
    type,
    status: "running",
    progress: 0,
    message,
    input: JSON.parse(input) as Json,
    // Only a complete job has a result, and a manual retry clears it: a pending job never has one.
    result: null,
    error: errorCode === null ? null : { code: errorCode, message: errorMessage ?? "" },
    attempts,
    maxAttempts,
    runAt,
    leaseOwner: workerId,
    leaseExpiresAt,
    idempotencyKey: row[10],
    dedupeKey: row[11],
    createdAt: row[12],
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
    expiresAt: null,
    priority: row[13],
    concurrencyKey: row[14],
    rateKey: row[15],
    traceContext: row[16],
  };
}

/** The record a successful insert of `job` created (what the INSERT wrote, without reading it back). */
export function insertedRecord(job: NewJob): JobRecord {
  return {
    id: job.id,
    tenantId: job.tenantId,
    type: job.type,
    status: "pending",
    progress: 0,
    message: null,
    input: job.input,
    result: null,
    error: null,
    attempts: 0,
    maxAttempts: job.maxAttempts,
    runAt: job.runAt,
    leaseOwner: null,
    leaseExpiresAt: null,
    idempotencyKey: job.idempotencyKey ?? null,
    dedupeKey: job.dedupeKey ?? null,
    createdAt: job.now,
    updatedAt: job.now,
    startedAt: null,
    finishedAt: null,
    expiresAt: null,
    priority: job.priority ?? 0,
    concurrencyKey: job.concurrencyKey ?? null,
    rateKey: job.rateKey ?? null,
    traceContext: job.traceContext ?? null,
  };
}
