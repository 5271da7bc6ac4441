import type { JobErrorInfo, JobStatus } from "@ledgerflow/jobs/client";

/** What the UI shows: the job's status, plus "loading" before the first answer and "unavailable" after a 404/401. */
export type JobPhase = "loading" | JobStatus | "unavailable";

export function jobPhase(status: JobStatus | null, error: JobErrorInfo | null, settled: boolean): JobPhase {
  if (status) return status;
  return settled && error ? "unavailable" : "loading";
}

export const STATUS_LABELS: Record<JobStatus, string> = {
  pending: "Queued",
  running: "Running",
  complete: "Complete",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** "categorize_transactions" → "Categorize transactions". */
export function jobTypeLabel(type: string): string {
  const words = type.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
