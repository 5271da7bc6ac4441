import type { Json, WireChildCounts, WireFlow } from "@ledgerflow/jobs-react";
import {
  chunkLabel,
  chunkProgress,
  jobTypeLabel,
  ProgressBar,
  STATUS_LABELS,
  summarizeResult,
  useJobStatus,
} from "@ledgerflow/jobs-react";
import { useEffect, useRef } from "react";
import { api } from "../../api/endpoints.js";
import { formatDateTime } from "../../app/format.js";
import { Link } from "../../app/router.js";
import { useResource } from "../../app/use-resource.js";
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

/** At most one re-read of the flow per this many ms, however fast children end. */
const FLOW_REFRESH_MS = 1000;

const jobHref = (id: string) => `/dashboard/background-jobs/${encodeURIComponent(id)}`;

/**
 * One job, live over SSE (polling if the stream fails): input, result, error, timestamps, attempts,
 * and its flow — durable steps, parent or batch, children with their status and progress.
 */
export function JobDetail({ jobId, onChanged, onClose }: JobDetailProps) {
  const { job, status, progress, message, error, settled, children } = useJobStatus(jobId, { mode: "sse" });
  const flow = useJobFlow(
    jobId,
    job ? `${job.updated_at}:${status}:${children?.total}:${children?.ended}` : "",
  );

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
  const counts = liveCounts(children, flow);
  const chunks = chunkProgress(status ?? job.status, counts);
  const shownStatus = status ?? job.status;
  return (
    <aside className="card detail" aria-label="Job details">
      <div className="detail__head">
        <div>
          <h2>{jobTypeLabel(job.type)}</h2>
          <p className="mono muted">{job.id}</p>
        </div>
        <span className="lf-badge" data-status={shownStatus}>
          {chunks && shownStatus === "pending" ? "Waiting for children" : STATUS_LABELS[shownStatus]}
        </span>
        <button type="button" className="button button--ghost button--small" onClick={onClose}>
          Close
        </button>
      </div>

      <div className="detail__progress">
        <ProgressBar
          value={chunks ? chunks.percent : status === "pending" ? null : progress}
          label={`${jobTypeLabel(job.type)}: progress`}
          tone={chunks ? "active" : TONES[shownStatus]}
        />
        <span className="detail__percent">{Math.round(chunks ? chunks.percent : progress)}%</span>
      </div>
      <p className="muted" role="status" aria-live="polite">
        {chunks
          ? `${message ?? "Working…"} — ${chunkLabel(chunks)}`
          : (message ?? (status ? STATUS_LABELS[status] : ""))}
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
        {flow?.parent_id && (
          <>
            <dt>Parent</dt>
            <dd>
              <Link className="mono" href={jobHref(flow.parent_id)}>
                {flow.parent_id}
              </Link>
            </dd>
          </>
        )}
        {flow?.batch_id && (
          <>
            <dt>Batch</dt>
            <dd className="mono">{flow.batch_id}</dd>
          </>
        )}
      </dl>

      {flow && flow.steps.length > 0 && <StepsTable steps={flow.steps} />}
      {flow && counts && <ChildrenList flow={flow} counts={counts} />}

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

/**
 * The job's flow, read once, then again (keeping the last one on screen) when the job or its
 * children's counts move — at most once per {@link FLOW_REFRESH_MS}.
 */
function useJobFlow(jobId: string, changes: string): WireFlow | undefined {
  const flow = useResource(`flow:${jobId}`, () => api.jobFlow(jobId));
  const { reload } = flow;
  const seen = useRef(changes);
  const lastReload = useRef(0);
  useEffect(() => {
    if (seen.current === changes) return;
    seen.current = changes;
    const wait = Math.max(0, lastReload.current + FLOW_REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      lastReload.current = Date.now();
      void reload();
    }, wait);
    return () => clearTimeout(timer);
  }, [changes, reload]);
  return flow.data;
}

/** The stream's counts when they are ahead of the last flow read (they move first), else the flow's. */
function liveCounts(live: WireChildCounts | null, flow: WireFlow | undefined): WireChildCounts | null {
  const read = flow && flow.children.total > 0 ? flow.children : null;
  if (!live) return read;
  if (!read) return live;
  return { total: Math.max(live.total, read.total), ended: Math.max(live.ended, read.ended) };
}

function StepsTable({ steps }: { steps: WireFlow["steps"] }) {
  return (
    <>
      <h3>Steps</h3>
      <table className="data-table" aria-label="Steps">
        <thead>
          <tr>
            <th>Step</th>
            <th>Status</th>
            <th className="num">Duration</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step) => (
            <tr key={step.name}>
              <td className="mono">{step.name}</td>
              <td>
                <span className="lf-badge" data-status={step.status}>
                  {STATUS_LABELS[step.status]}
                </span>
              </td>
              <td className="num">{formatDuration(step.duration_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ChildrenList({ flow, counts }: { flow: WireFlow; counts: WireChildCounts }) {
  const listed = flow.children.jobs;
  return (
    <>
      <h3>Children</h3>
      <p className="muted">
        {counts.ended} of {counts.total} ended ({chunkLabel(counts)})
        {flow.children.group_ids.length > 1 ? ` in ${flow.children.group_ids.length} groups` : ""}
      </p>
      {listed.length > 0 && (
        <table className="data-table" aria-label="Children">
          <thead>
            <tr>
              <th>Job</th>
              <th>Status</th>
              <th className="num">Progress</th>
            </tr>
          </thead>
          <tbody>
            {listed.map((child) => (
              <tr key={child.id}>
                <td>
                  <Link className="mono" href={jobHref(child.id)}>
                    {child.id}
                  </Link>
                </td>
                <td>
                  <span className="lf-badge" data-status={child.status}>
                    {STATUS_LABELS[child.status]}
                  </span>
                </td>
                <td className="num">
                  <ProgressBar
                    value={child.status === "pending" ? null : child.progress}
                    label={`${child.id}: progress`}
                    tone={TONES[child.status]}
                    size="small"
                  />
                  {Math.round(child.progress)}%
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {counts.total > listed.length && (
        <p className="muted">
          Listing the first {listed.length} of {counts.total}.
        </p>
      )}
    </>
  );
}

/** 850 → "850 ms", 12_300 → "12.3 s", 125_000 → "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

function JsonBlock({ title, value }: { title: string; value: Json }) {
  return (
    <details className="json" open={title === "Input"}>
      <summary>{title}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
