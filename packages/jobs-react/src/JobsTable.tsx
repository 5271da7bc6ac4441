import type { WireJob } from "@ledgerflow/jobs/client";
import { formatTimestamp } from "./format.js";
import { ProgressBar } from "./ProgressBar.js";
import { jobTypeLabel, STATUS_LABELS } from "./phase.js";
import { summarizeResult } from "./result-summary.js";

export interface JobsTableProps {
  jobs: readonly WireJob[];
  selectedId?: string | null;
  onSelect?: (job: WireJob) => void;
  caption?: string;
  emptyText?: string;
  /** Leaves out the message and attempts columns, for a narrow list beside a detail view. */
  compact?: boolean;
}

/** The dashboard's job list: type, status, progress bar, message, times and attempts. */
export function JobsTable({
  jobs,
  selectedId,
  onSelect,
  caption,
  emptyText = "No jobs yet.",
  compact = false,
}: JobsTableProps) {
  if (jobs.length === 0) return <p className="lf-jobs-empty">{emptyText}</p>;
  return (
    <table className="lf-jobs">
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          {!compact && <th scope="col">Message</th>}
          <th scope="col">Created</th>
          {!compact && <th scope="col">Attempts</th>}
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr
            key={job.id}
            aria-selected={selectedId === job.id ? true : undefined}
            onClick={onSelect ? () => onSelect(job) : undefined}
          >
            <th scope="row">
              {onSelect ? (
                <button type="button" className="lf-link" onClick={() => onSelect(job)}>
                  {jobTypeLabel(job.type)}
                </button>
              ) : (
                jobTypeLabel(job.type)
              )}
              <span className="lf-jobs__id">{job.id}</span>
            </th>
            <td>
              <span className="lf-badge" data-status={job.status}>
                {STATUS_LABELS[job.status]}
              </span>
            </td>
            <td>
              <div className="lf-jobs__progress">
                <ProgressBar
                  size="small"
                  value={job.status === "pending" ? null : job.progress}
                  label={`${jobTypeLabel(job.type)} ${job.id}: progress`}
                  tone={barTone(job.status)}
                />
                <span className="lf-jobs__percent">{Math.round(job.progress)}%</span>
              </div>
            </td>
            {!compact && (
              <td className="lf-jobs__message">
                <span>{jobLine(job)}</span>
              </td>
            )}
            <td>{formatTimestamp(job.created_at)}</td>
            {!compact && (
              <td>
                {job.attempts}/{job.max_attempts}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The error of a failed job, the outcome of a complete one, otherwise the worker's last message. */
function jobLine(job: WireJob): string {
  if (job.error) return job.error.message;
  if (job.status === "complete") {
    const lines = summarizeResult(job.result).slice(0, 3);
    if (lines.length > 0) return lines.map((l) => `${l.label}: ${l.value}`).join(" · ");
  }
  return job.message ?? "";
}

function barTone(status: WireJob["status"]) {
  if (status === "complete") return "success" as const;
  if (status === "failed") return "danger" as const;
  if (status === "cancelled") return "muted" as const;
  return status === "pending" ? ("neutral" as const) : ("active" as const);
}
