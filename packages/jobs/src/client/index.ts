// The framework-free job client: what a browser (or any UI binding) needs to follow a job.
export type { JobErrorInfo, JobStatus, Json } from "../types.js";
export { documentVisibility, globalTimers, type Timers, type Visibility } from "./environment.js";
export { JobFetchError, type JobFetchErrorCode, toJobFetchError } from "./fetch-error.js";
export {
  createHttpJobSource,
  type FetchFlow,
  type FetchJob,
  type HttpJobSource,
  type HttpJobSourceOptions,
  type JobUpdate,
  type OpenJobEvents,
} from "./http-source.js";
export {
  initialJobState,
  JobObserver,
  type JobObserverOptions,
  type JobObserverState,
  type OpenJobFlowEvents,
} from "./observer.js";
export { errorRetryDelay, nextDelay } from "./schedule.js";
export { readServerSentEvents, type SseMessage } from "./sse.js";
export {
  isTerminalStatus,
  type WireChildCounts,
  type WireChildEvent,
  type WireFlow,
  type WireJob,
} from "./wire.js";
