export { backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";
export { isTerminalStatus, toWireJob, type WireJob } from "./client/wire.js";
export { systemClock } from "./clock.js";
export {
  httpStatusFor,
  type InputIssue,
  isJobsError,
  JOBS_ERROR_CODES,
  JobsError,
  type JobsErrorCode,
  LEASE_EXPIRED_FINAL_ERROR,
  LEASE_EXPIRED_RETRY_ERROR,
  RetryAfterError,
  UnrecoverableError,
} from "./errors.js";
export type {
  BatchInfo,
  BatchOptions,
  ChildOutcome,
  FlowCapableStore,
} from "./flows/groups.js";
export type { ChildInfo, FlowInfo, FlowInfoOptions, StepInfo } from "./flows/info.js";
export { type FlowStore, type GroupRecord, MAX_GROUP_SIZE, type StepRecord } from "./flows/types.js";
export { newJobId } from "./ids.js";
export {
  type AttemptOutcome,
  type AttemptProbe,
  combineInstrumentation,
  type EnqueueProbe,
  type Instrumentation,
} from "./instrumentation.js";
export {
  createQueue,
  DEFAULT_RETENTION_MS,
  type EnqueueOptions,
  type Queue,
  type QueueOptions,
  type TaskRef,
} from "./queue.js";
export {
  dueFireAt,
  fireDueSchedules,
  fireKey,
  type ScheduleInfo,
  type ScheduleOptions,
  startScheduler,
} from "./schedules.js";
export { canTransition, JOB_TRANSITION_EVENTS, type JobTransitionEvent, transition } from "./state.js";
export { type Sweeper, type SweeperOptions, startSweeper } from "./sweeper.js";
export {
  type AnySchema,
  type AnyTask,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  defineTask,
  type SchemaInput,
  type SchemaOutput,
  type Task,
} from "./task.js";
export { type WaitForJobOptions, waitForJob } from "./testing/wait-for-job.js";
export {
  type BackoffOptions,
  type ClaimRequest,
  type Clock,
  type EnqueueResult,
  type FailOptions,
  type Fairness,
  JOB_STATUSES,
  type JobErrorInfo,
  type JobEvent,
  type JobEventKind,
  type JobEventListener,
  type JobRecord,
  type JobStatus,
  type JobStore,
  type Json,
  type KeyContext,
  type Lease,
  type ListPage,
  type ListQuery,
  MAX_PRIORITY,
  type NewJob,
  type ScheduleRecord,
  type StandardSchemaV1,
  type StoreCapabilities,
  type TaskContext,
  type TaskDefinition,
  type TaskLogger,
  TERMINAL_STATUSES,
  type TypeLimits,
  type TypeStats,
  type Unsubscribe,
} from "./types.js";
export { createWorker, type Worker, type WorkerOptions } from "./worker/pool.js";
export { PROGRESS_INTERVAL_MS } from "./worker/progress.js";
export { AttemptAbortedError, type StopReason } from "./worker/run.js";
export { type SpawnedChildren, Suspension, type WaitForChildrenOptions } from "./worker/steps.js";
