import type { JobStatus, WireJob } from "@ledgerflow/jobs-react";
import { apiJson } from "./http.js";

/** The operator routes (apps/server/src/routes/admin.ts); a token that is not an operator's gets 403. */

export interface AdminJob extends WireJob {
  tenant_id: string;
}

/** The operator list's filters; empty strings mean "any". Times are the inputs' local `datetime-local` text. */
export interface JobFilters {
  q: string;
  tenant_id: string;
  status: JobStatus[];
  task: string;
  created_from: string;
  created_to: string;
}

export const NO_FILTERS: JobFilters = {
  q: "",
  tenant_id: "",
  status: [],
  task: "",
  created_from: "",
  created_to: "",
};

export type BulkAction = "retry" | "cancel" | "delete";

export interface TaskQueue {
  task: string;
  paused: boolean;
  pending: number;
  due: number;
  running: number;
  oldest_due_at: string | null;
}

export interface JobCharts {
  window: "hour" | "day";
  bucket_ms: number;
  throughput: { start: string; completed: number; failed: number; failure_rate: number | null }[];
  scanned: number;
  truncated: boolean;
  depth: { at: string; pending: number; due: number; running: number }[];
  depth_since: string | null;
}

/** A `datetime-local` value ("2026-03-01T09:30") as an ISO time, read in the browser's zone. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The filters as the server's body filter: only what is set. */
export function filterBody(f: JobFilters): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (f.q.trim()) body.q = f.q.trim();
  if (f.tenant_id.trim()) body.tenant_id = f.tenant_id.trim();
  if (f.status.length) body.status = f.status;
  if (f.task) body.task = f.task;
  const from = toIso(f.created_from);
  const to = toIso(f.created_to);
  if (from) body.created_from = from;
  if (to) body.created_to = to;
  return body;
}

function filterQuery(f: JobFilters, extra: Record<string, string | number | null | undefined> = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filterBody(f)))
    search.set(key, Array.isArray(value) ? value.join(",") : String(value));
  for (const [key, value] of Object.entries(extra))
    if (value !== null && value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

const id = encodeURIComponent;

export const adminApi = {
  me: () => apiJson<{ tenant_id: string; operator: boolean }>("/api/me"),
  jobs: (f: JobFilters, cursor?: string | null) =>
    apiJson<{ jobs: AdminJob[]; next_cursor: string | null }>(
      `/api/admin/jobs${filterQuery(f, { cursor, limit: 50 })}`,
    ),
  count: (f: JobFilters) =>
    apiJson<{ count: number; capped: boolean }>(`/api/admin/jobs/count${filterQuery(f)}`),
  job: (jobId: string) => apiJson<AdminJob>(`/api/admin/jobs/${id(jobId)}`),
  bulk: (action: BulkAction, target: { filter: JobFilters } | { ids: string[] }) =>
    apiJson<{ job_id: string }>("/api/admin/jobs/bulk", {
      method: "POST",
      json: "ids" in target ? { action, ids: target.ids } : { action, filter: filterBody(target.filter) },
    }),
  replay: (jobId: string) =>
    apiJson<{ job_id: string; tenant_id: string; replay_of: string; created: boolean }>(
      `/api/admin/jobs/${id(jobId)}/replay`,
      { method: "POST" },
    ),
  tasks: () => apiJson<{ tasks: TaskQueue[] }>("/api/admin/tasks").then((r) => r.tasks),
  setTaskPaused: (task: string, paused: boolean) =>
    apiJson<TaskQueue>(`/api/admin/tasks/${id(task)}/${paused ? "pause" : "resume"}`, { method: "POST" }),
  charts: (window: "hour" | "day") => apiJson<JobCharts>(`/api/admin/charts?window=${window}`),
};
