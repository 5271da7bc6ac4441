// Re-exported so an app needs only this package: the wire types and the HTTP source for the provider.
export {
  type HttpJobSourceOptions,
  type JobErrorInfo,
  type JobStatus,
  type Json,
  nextDelay,
  type WireChildCounts,
  type WireFlow,
  type WireJob,
} from "@ledgerflow/jobs/client";
export { type JobsClient, JobsClientProvider, useJobsClient } from "./context.js";
export { formatTimestamp } from "./format.js";
// The client's HTTP source plus the job's flow and its stream's children counts.
export {
  createHttpJobSource,
  type FetchFlow,
  type HttpJobFlowSource,
  type OpenJobFlowEvents,
} from "./http-source.js";
export { JobProgress, type JobProgressProps } from "./JobProgress.js";
export { JobsTable, type JobsTableProps } from "./JobsTable.js";
export { ProgressBar, type ProgressBarProps } from "./ProgressBar.js";
export {
  type ChunkProgress,
  chunkLabel,
  chunkProgress,
  type JobPhase,
  jobPhase,
  jobTypeLabel,
  STATUS_LABELS,
} from "./phase.js";
export { type SummaryLine, summarizeResult } from "./result-summary.js";
export { StatusIcon } from "./StatusIcon.js";
export { type JobStatusResult, type UseJobStatusOptions, useJobStatus } from "./use-job-status.js";
