import type { Json } from "@ledgerflow/jobs-react";
import {
  jobTypeLabel,
  ProgressBar,
  STATUS_LABELS,
  summarizeResult,
  useJobStatus,
} from "@ledgerflow/jobs-react";
import { formatDateTime } from "../../app/format.js";
import { JobActions } from "./JobActions.js";

const TONES = {
  pending: "neutral",
  running: "active",
  complete: "success",
  failed: "danger",
  cancelled: "muted",
} as const;

export interface JobDetailProps {
  jobId: string;
  onChanged: (action: "cancel" | "retry" | "delete") => void;
  onClose: () => void;
}

/** One job, live over SSE (polling if the stream fails): input, result, error, timestamps, attempts. */
export function JobDetail({ jobId, onChanged, onClose }: JobDetailProps) {
  const { job, status, progress, message, error, settled } = useJobStatus(jobId, { mode: "sse" });

  if (!job) {
    const missing = settled && error;
    return (
      <aside className="card detail" aria-label="Job details">
        <div className="detail__head">
          <h2>
            {missing
              ? error.code === "not_found"
                ? "Job not found"
                : "Cannot load this job"
              : "Loading job…"}
          </h2>
          <button type="button" className="button button--ghost button--small" onClick={onClose}>
            Close
          </button>
        </div>
        {missing && (
          <p className="banner banner--error" role="alert">
            {error.message}
          </p>
        )}
        <p className="mono muted">{jobId}</p>
      </aside>
    );
  }

  const summary = summarizeResult(job.result);
  return (
    <aside className="card detail" aria-label="Job details">
      <div className="detail__head">
        <div>
          <h2>{jobTypeLabel(job.type)}</h2>
          <p className="mono muted">{job.id}</p>
        </div>
        <span className="lf-badge" data-status={status ?? job.status}>
          {STATUS_LABELS[status ?? job.status]}
        </span>
        <button type="button" className="button button--ghost button--small" onClick={onClose}>
          Close
        </button>
      </div>

      <div className="detail__progress">
        <ProgressBar
          value={status === "pending" ? null : progress}
          label={`${jobTypeLabel(job.type)}: progress`}
          tone={TONES[status ?? job.status]}
        />
        <span className="detail__percent">{Math.round(progress)}%</span>
      </div>
      <p className="muted" role="status" aria-live="polite">
        {message ?? (status ? STATUS_LABELS[status] : "")}
      </p>

      {error && job.error && (
        <div className="banner banner--error" role="alert">
          <strong>{job.error.code}</strong>: {job.error.message}
        </div>
      )}

      <dl className="facts">
        <dt>Attempts</dt>
        <dd>
          {job.attempts} of {job.max_attempts}
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(job.created_at)}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(job.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(job.finished_at)}</dd>
        <dt>Next run</dt>
        <dd>{job.status === "pending" ? formatDateTime(job.run_at) : "—"}</dd>
        <dt>Deleted after</dt>
        <dd>{formatDateTime(job.expires_at)}</dd>
      </dl>

      {summary.length > 0 && (
        <>
          <h3>Result</h3>
          <dl className="facts">
            {summary.map((line) => (
              <div key={line.key} className="facts__row">
                <dt>{line.label}</dt>
                <dd>{line.value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <JsonBlock title="Input" value={job.input} />
      {job.result !== null && <JsonBlock title="Result (raw)" value={job.result} />}

      <JobActions job={{ ...job, status: status ?? job.status }} onDone={onChanged} />
    </aside>
  );
}

function JsonBlock({ title, value }: { title: string; value: Json }) {
  return (
    <details className="json" open={title === "Input"}>
      <summary>{title}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
