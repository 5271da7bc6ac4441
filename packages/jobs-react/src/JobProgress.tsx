import type { JobErrorInfo, Json, WireJob } from "@ledgerflow/jobs/client";
import { type ReactNode, useId } from "react";
import { ProgressBar, type ProgressBarProps } from "./ProgressBar.js";
import { type ChunkProgress, chunkLabel, chunkProgress, type JobPhase, jobPhase } from "./phase.js";
import { summarizeResult } from "./result-summary.js";
import { StatusIcon } from "./StatusIcon.js";
import { type UseJobStatusOptions, useJobStatus } from "./use-job-status.js";

export interface JobProgressProps
  extends Pick<UseJobStatusOptions, "fetchJob" | "openEvents" | "fetchFlow" | "mode"> {
  jobId: string;
  /** Heading of the card, e.g. "Processing transactions". */
  title?: string;
  onComplete?: (result: Json | null, job: WireJob) => void;
  onError?: (error: JobErrorInfo, job: WireJob | null) => void;
  /** Extra controls for the card's header (e.g. a link to the job's details, a dismiss button). */
  actions?: ReactNode;
}

const TONES: Record<JobPhase, NonNullable<ProgressBarProps["tone"]>> = {
  loading: "neutral",
  pending: "neutral",
  running: "active",
  complete: "success",
  failed: "danger",
  cancelled: "muted",
  unavailable: "muted",
};

/**
 * The seed's four UI states (pending, running, complete, failed), plus cancelled and not found.
 * A job with children shows them while they run: "chunk 7/40" and the bar at the share ended; a
 * parent waiting for its children (pending, holding no worker) reads as running, not queued.
 */
export function JobProgress({
  jobId,
  title = "Processing job",
  onComplete,
  onError,
  actions,
  ...options
}: JobProgressProps) {
  const job = useJobStatus(jobId, {
    ...options,
    ...(onComplete && { onComplete }),
    ...(onError && { onError }),
  });
  const chunks = chunkProgress(job.status, job.children);
  const phase: JobPhase = chunks ? "running" : jobPhase(job.status, job.error, job.settled);
  const titleId = useId();
  const waiting = phase === "loading" || phase === "pending";
  const progress = Math.round(chunks ? chunks.percent : job.progress);
  const summary = phase === "complete" ? summarizeResult(job.result) : [];
  const connectionTrouble = job.error?.code === "network" && !job.settled;

  return (
    <section
      className="lf-job"
      data-phase={phase}
      data-chunks={chunks ? chunkLabel(chunks) : undefined}
      aria-labelledby={titleId}
    >
      <div className="lf-job__head">
        <StatusIcon phase={phase} />
        <h3 className="lf-job__title" id={titleId}>
          {title}
        </h3>
        <span className="lf-job__percent" aria-hidden="true">
          {progress}%
        </span>
        {actions && <div className="lf-job__actions">{actions}</div>}
      </div>
      <ProgressBar value={waiting ? null : progress} label={`${title}: progress`} tone={TONES[phase]} />
      <p className="lf-job__status" role="status" aria-live="polite">
        {phase === "unavailable"
          ? unavailableTitle(job.error)
          : statusText(phase, job.message, progress, chunks)}
      </p>
      {connectionTrouble && <p className="lf-job__note">{job.error?.message}</p>}
      {phase === "complete" && (
        <div className="lf-job__result">
          <p className="lf-job__result-title">Job completed successfully!</p>
          {summary.length > 0 && (
            <dl className="lf-job__summary">
              {summary.map((line) => (
                <div key={line.key}>
                  <dt>{line.label}</dt>
                  <dd data-kind={/^[\d,.]+$/.test(line.value) ? "number" : "text"}>{line.value}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
      {(phase === "failed" || phase === "unavailable") && (
        <div className="lf-job__error" role="alert">
          <strong>{phase === "failed" ? "Error" : unavailableTitle(job.error)}</strong>
          <span>{job.error?.message ?? "The job failed without a message."}</span>
        </div>
      )}
    </section>
  );
}

function statusText(
  phase: JobPhase,
  message: string | null,
  progress: number,
  chunks: ChunkProgress | null,
): string {
  switch (phase) {
    case "loading":
      return "Loading job…";
    case "pending":
      return "Job queued";
    case "running":
      return chunks
        ? `${message ?? "Working…"} — ${chunkLabel(chunks)}`
        : `${message ?? "Working…"} — ${progress}% complete`;
    case "complete":
      return "Complete";
    case "failed":
      return "Job failed";
    case "cancelled":
      return "Job cancelled";
    case "unavailable":
      return "Job not found";
  }
}

function unavailableTitle(error: JobErrorInfo | null): string {
  return error?.code === "not_found" ? "Job not found" : "Cannot load this job";
}
