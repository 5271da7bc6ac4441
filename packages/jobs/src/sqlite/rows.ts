import type { JobEvent, JobEventKind, JobRecord, JobStatus, Json, NewJob } from "../types.js";

/**
 * The columns every read and RETURNING clause selects, already aliased to the record's field
 * names, so turning a row into a record is only JSON parsing and the error pair.
 */
export const RECORD_COLUMNS = `id, tenant_id AS tenantId, type, status, progress, message, input, result,
  error_code AS errorCode, error_message AS errorMessage, attempts, max_attempts AS maxAttempts,
  run_at AS runAt, lease_owner AS leaseOwner, lease_expires_at AS leaseExpiresAt,
  idempotency_key AS idempotencyKey, dedupe_key AS dedupeKey, created_at AS createdAt,
  updated_at AS updatedAt, started_at AS startedAt, finished_at AS finishedAt, expires_at AS expiresAt`;

/** A row as RECORD_COLUMNS returns it. */
export interface JobRow {
  id: string;
  tenantId: string;
  type: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  input: string;
  result: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  idempotencyKey: string | null;
  dedupeKey: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  expiresAt: number | null;
}

export function rowToRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.type,
    status: row.status,
    progress: row.progress,
    message: row.message,
    input: JSON.parse(row.input) as Json,
    result: row.result === null ? null : (JSON.parse(row.result) as Json),
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? "" },
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: row.runAt,
    leaseOwner: row.leaseOwner,
    leaseExpiresAt: row.leaseExpiresAt,
    idempotencyKey: row.idempotencyKey,
    dedupeKey: row.dedupeKey,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    expiresAt: row.expiresAt,
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
 * What a claim RETURNS: only the columns it does not set itself. Returning all 22 columns cost about
 * as much again as the UPDATE (better-sqlite3 builds every value), so the rest comes from the request.
 */
export const CLAIMED_COLUMNS = `id, tenant_id AS tenantId, type, message, input, error_code AS errorCode,
  error_message AS errorMessage, attempts, max_attempts AS maxAttempts, run_at AS runAt,
  idempotency_key AS idempotencyKey, dedupe_key AS dedupeKey, created_at AS createdAt`;

export type ClaimedRow = Pick<
  JobRow,
  | "id"
  | "tenantId"
  | "type"
  | "message"
  | "input"
  | "errorCode"
  | "errorMessage"
  | "attempts"
  | "maxAttempts"
  | "runAt"
  | "idempotencyKey"
  | "dedupeKey"
  | "createdAt"
>;

/** A claimed row as the record the claim made of it (running, under the new lease, progress 0). */
export function claimedRecord(
  row: ClaimedRow,
  workerId: string,
  leaseExpiresAt: number,
  now: number,
): JobRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.type,
    status: "running",
    progress: 0,
    message: row.message,
    input: JSON.parse(row.input) as Json,
    // Only a complete job has a result, and a manual retry clears it: a pending job never has one.
    result: null,
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? "" },
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: row.runAt,
    leaseOwner: workerId,
    leaseExpiresAt,
    idempotencyKey: row.idempotencyKey,
    dedupeKey: row.dedupeKey,
    createdAt: row.createdAt,
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
    expiresAt: null,
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
  };
}
