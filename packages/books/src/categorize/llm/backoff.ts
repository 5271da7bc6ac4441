/** Pure retry timing: which failures are worth another call, and how long to wait before it. */

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** A server's Retry-After is obeyed up to this; beyond it the batch would outlive the job that waits on it. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Delay before retry number `attempt` (1 = the first retry): the server's Retry-After when it sent one,
 * else `min(base × 2^(attempt−1), cap)` with "equal jitter" (half fixed, half random) so callers that
 * failed together do not retry together.
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null) return Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
  const exp = Math.min(options.baseMs * 2 ** (attempt - 1), options.capMs);
  return exp / 2 + (random() * exp) / 2;
}

/**
 * Reads `retry-after-ms` (OpenAI's, milliseconds) or `retry-after` (HTTP: seconds or a date).
 * Null when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return null;
  if (Number.isFinite(Number(value))) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** 429 (rate limited), 408/409 (timeout, conflict) and 5xx are transient; other 4xx are our mistake or config. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
