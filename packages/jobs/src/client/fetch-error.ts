export type JobFetchErrorCode = "not_found" | "unauthorized" | "network" | "http";

/**
 * Why reading a job failed. `retryable` errors (network, 429, 5xx) are retried with backoff;
 * the others (404, 401/403, other 4xx) end the observation, because asking again cannot help.
 */
export class JobFetchError extends Error {
  override readonly name = "JobFetchError";
  constructor(
    readonly code: JobFetchErrorCode,
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return (
      this.code === "network" || (this.code === "http" && (this.status === 429 || (this.status ?? 0) >= 500))
    );
  }

  static fromStatus(status: number, serverMessage: string | null): JobFetchError {
    if (status === 404) {
      return new JobFetchError(
        "not_found",
        "Job not found. It may have expired (finished jobs are kept 24 hours) or belong to another account.",
        status,
      );
    }
    if (status === 401 || status === 403) {
      return new JobFetchError(
        "unauthorized",
        "Your session has expired. Sign in again to follow this job.",
        status,
      );
    }
    return new JobFetchError("http", serverMessage ?? `The server answered ${status}.`, status);
  }
}

/** Anything thrown by a fetcher that is not a JobFetchError counts as a network error (retried). */
export function toJobFetchError(err: unknown): JobFetchError {
  if (err instanceof JobFetchError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new JobFetchError("network", `Cannot reach the server (${detail}). Retrying…`, null, { cause: err });
}
