import type { JobErrorInfo, JobRecord, JobStatus, Json } from "../types.js";

/** A job as the HTTP API returns it (`GET /api/jobs/:id`): the seed's snake_case shape, ISO times. */
export interface WireJob {
  id: string;
  type: string;
  status: JobStatus;
  progress: number;
  message: string | null;
  result: Json | null;
  error: JobErrorInfo | null;
  attempts: number;
  max_attempts: number;
  input: Json;
  created_at: string;
  updated_at: string;
  run_at: string;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toWireJob(job: JobRecord): WireJob {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: job.progress,
    message: job.message,
    result: job.result,
    error: job.error,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    input: job.input,
    created_at: new Date(job.createdAt).toISOString(),
    updated_at: new Date(job.updatedAt).toISOString(),
    run_at: new Date(job.runAt).toISOString(),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    expires_at: iso(job.expiresAt),
  };
}

export function isTerminalStatus(status: JobStatus): boolean {
  return status === "complete" || status === "failed" || status === "cancelled";
}
