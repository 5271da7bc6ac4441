import { backoffDelay } from "../backoff.js";
import { isJobsError, RetryAfterError, UnrecoverableError } from "../errors.js";
import type { AnyTask } from "../task.js";
import type { JobErrorInfo, JobRecord } from "../types.js";

/** Thrown into an attempt when it ran past its task's timeoutMs. */
export class AttemptTimeoutError extends Error {
  override readonly name = "AttemptTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`The task took longer than ${formatDuration(timeoutMs)} and was stopped.`);
  }
}

export interface FailureDecision {
  error: JobErrorInfo;
  /** Set when the job should run again: the attempt goes back to pending until then. */
  retryAt?: number;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error)
    return error.message.trim() || `The task failed (${error.name}) without a message.`;
  if (typeof error === "string" && error.trim()) return error;
  return "The task failed with an unexpected error.";
}

function codeOf(error: unknown): string {
  if (error instanceof AttemptTimeoutError) return "timeout";
  if (error instanceof UnrecoverableError) return "unrecoverable";
  if (isJobsError(error, "invalid_input")) return "invalid_input";
  return "handler_error";
}

/**
 * What to do after an attempt threw: retry later (backoff, or the handler's RetryAfterError), or fail
 * for good. UnrecoverableError and invalid input never retry. The final message tells the reader how
 * many attempts were made, so "it failed once" and "it failed four times" look different.
 */
export function decideFailure(
  job: JobRecord,
  task: AnyTask,
  error: unknown,
  now: number,
  random: () => number,
): FailureDecision {
  const code = codeOf(error);
  const message = messageOf(error);
  const retryable = code !== "unrecoverable" && code !== "invalid_input";
  if (retryable && job.attempts < job.maxAttempts) {
    const delay =
      error instanceof RetryAfterError
        ? error.retryAfterMs
        : backoffDelay(job.attempts, task.backoff, random);
    return { error: { code, message }, retryAt: now + delay };
  }
  const final = job.attempts > 1 ? `${message} (gave up after ${job.attempts} attempts)` : message;
  return { error: { code, message: final } };
}
