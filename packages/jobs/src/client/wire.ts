import type { FlowInfo } from "../flows/info.js";
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

/** `GET /api/jobs/:id/flow`: a job's steps, its parent or batch, and its children (docs/api.md). */
export interface WireFlow {
  job_id: string;
  steps: { name: string; status: "complete"; started_at: string; finished_at: string; duration_ms: number }[];
  parent_id: string | null;
  batch_id: string | null;
  children: WireChildCounts & {
    group_ids: string[];
    /** The first 100 children in spawn order; `total` counts them all. */
    jobs: { id: string; status: JobStatus; progress: number }[];
  };
}

/** Over every group a job spawned: how many children, how many ended ("chunk 7/40"). */
export interface WireChildCounts {
  total: number;
  ended: number;
}

/** An SSE `child` event: one child changed; `children` are the parent's counts after it. */
export interface WireChildEvent {
  child: { id: string; status: JobStatus; progress: number; message: string | null };
  children: WireChildCounts;
}

export function toWireFlow(info: FlowInfo): WireFlow {
  return {
    job_id: info.jobId,
    steps: info.steps.map((step) => ({
      name: step.name,
      status: step.status,
      started_at: new Date(step.startedAt).toISOString(),
      finished_at: new Date(step.finishedAt).toISOString(),
      duration_ms: step.durationMs,
    })),
    parent_id: info.parentId,
    batch_id: info.batchId,
    children: {
      total: info.children.total,
      ended: info.children.ended,
      group_ids: info.children.groupIds,
      jobs: info.children.jobs.map((child) => ({ ...child })),
    },
  };
}
