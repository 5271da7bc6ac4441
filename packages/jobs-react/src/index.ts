// Re-exported so an app needs only this package: the wire types and the HTTP source for the provider.
export {
  createHttpJobSource,
  type HttpJobSourceOptions,
  type JobErrorInfo,
  type JobStatus,
  type Json,
  nextDelay,
  type WireJob,
} from "@ledgerflow/jobs/client";
export { type JobsClient, JobsClientProvider, useJobsClient } from "./context.js";
export { formatTimestamp } from "./format.js";
export { JobProgress, type JobProgressProps } from "./JobProgress.js";
export { JobsTable, type JobsTableProps } from "./JobsTable.js";
export { ProgressBar, type ProgressBarProps } from "./ProgressBar.js";
export { type JobPhase, jobPhase, jobTypeLabel, STATUS_LABELS } from "./phase.js";
export { type SummaryLine, summarizeResult } from "./result-summary.js";
export { StatusIcon } from "./StatusIcon.js";
export { type JobStatusResult, type UseJobStatusOptions, useJobStatus } from "./use-job-status.js";
