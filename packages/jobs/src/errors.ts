import type { JobErrorInfo } from "./types.js";

export const JOBS_ERROR_CODES = [
  "not_found",
  "invalid_input",
  "conflict",
  "illegal_transition",
  "unknown_task",
  "store_unavailable",
  "timeout",
] as const;
export type JobsErrorCode = (typeof JOBS_ERROR_CODES)[number];

const HTTP_STATUS: Record<JobsErrorCode, number> = {
  not_found: 404,
  invalid_input: 400,
  conflict: 409,
  // A state change the job's current status does not allow (cancel a finished job): a conflict too.
  illegal_transition: 409,
  // The caller named a task this queue does not know: a bad request, not a server fault.
  unknown_task: 400,
  store_unavailable: 503,
  timeout: 504,
};

/** The HTTP status an API should answer with for a {@link JobsError} code. */
export function httpStatusFor(code: JobsErrorCode): number {
  return HTTP_STATUS[code];
}

/** One problem with a task's input, as reported by its Standard Schema. */
export interface InputIssue {
  /** Dotted path of the field, "" for the whole input. */
  path: string;
  message: string;
}

/** The one error class the engine throws: a machine-readable `code`, a message that says what to do. */
export class JobsError extends Error {
  override readonly name = "JobsError";
  readonly code: JobsErrorCode;
  /** Set for `invalid_input`: which fields were wrong. */
  readonly issues: readonly InputIssue[];

  constructor(code: JobsErrorCode, message: string, options?: { cause?: unknown; issues?: InputIssue[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options?.issues ?? [];
  }
}

export function isJobsError(error: unknown, code?: JobsErrorCode): error is JobsError {
  return error instanceof JobsError && (code === undefined || error.code === code);
}

/** Thrown by a task handler: fail the job now, without using its remaining retries. */
export class UnrecoverableError extends Error {
  override readonly name = "UnrecoverableError";
}

/**
 * Thrown by a task handler: this attempt failed, try again after `retryAfterMs` (e.g. an API's
 * Retry-After) instead of the task's backoff. Counts as an attempt; after the last one the job fails.
 */
export class RetryAfterError extends Error {
  override readonly name = "RetryAfterError";
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, message = `Retry after ${retryAfterMs} ms`) {
    super(message);
    this.retryAfterMs = Math.max(0, retryAfterMs);
  }
}

/**
 * What stores write when they reclaim a job whose lease expired. Shared so every store (and the
 * conformance suite) uses the same words.
 */
export const LEASE_EXPIRED_RETRY_ERROR: JobErrorInfo = Object.freeze({
  code: "lease_expired",
  message: "The worker stopped responding during this attempt; the job will be retried.",
});
export const LEASE_EXPIRED_FINAL_ERROR: JobErrorInfo = Object.freeze({
  code: "lease_expired",
  message:
    "The worker stopped responding (it crashed or was stopped) and no attempts are left. Retry the job to run it again.",
});
