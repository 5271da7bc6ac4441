import {
  isTerminalStatus,
  type JobErrorInfo,
  type JobStatus,
  type WireChildCounts,
} from "@ledgerflow/jobs/client";

/** What the UI shows: the job's status, plus "loading" before the first answer and "unavailable" after a 404/401. */
export type JobPhase = "loading" | JobStatus | "unavailable";

export function jobPhase(status: JobStatus | null, error: JobErrorInfo | null, settled: boolean): JobPhase {
  if (status) return status;
  return settled && error ? "unavailable" : "loading";
}

/** What a job with children shows while they run: "chunk 7/40" and a bar at ended / total. */
export interface ChunkProgress {
  ended: number;
  total: number;
  /** 0–100, ended / total. */
  percent: number;
}

/**
 * The chunks to show for a job, or null: while it is not terminal and has children, and either waits
 * for them (a waiting parent is `pending`, holding no worker) or some have not ended. Once all ended
 * and the parent runs again, its own progress and message are shown.
 */
export function chunkProgress(
  status: JobStatus | null,
  children: WireChildCounts | null,
): ChunkProgress | null {
  if (!status || isTerminalStatus(status) || !children || children.total <= 0) return null;
  const ended = Math.min(children.ended, children.total);
  if (status !== "pending" && ended >= children.total) return null;
  return { ended, total: children.total, percent: (ended / children.total) * 100 };
}

/** "chunk 7/40" (the words of the issue that asked for it). */
export function chunkLabel(chunks: Pick<ChunkProgress, "ended" | "total">): string {
  return `chunk ${chunks.ended}/${chunks.total}`;
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
