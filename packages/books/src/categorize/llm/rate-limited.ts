/**
 * The provider answered 429. Thrown by `categorize()` of a categorizer built with
 * `surfaceRateLimits: true` instead of waiting inside the call: the caller (a job) can then give its
 * worker slot back and let the job engine hold every job on this provider until `retryAfterMs`.
 * Batches that finished before the 429 are already in the answer cache, so the next try asks less.
 */
export class LlmRateLimitedError extends Error {
  override readonly name = "LlmRateLimitedError";
  /** The provider's Retry-After in ms, or null when it sent none. */
  readonly retryAfterMs: number | null;

  constructor(retryAfterMs: number | null, options?: { cause?: unknown }) {
    super(
      `the LLM endpoint is rate-limiting (429)${retryAfterMs === null ? "" : `; it asked to wait ${Math.ceil(retryAfterMs / 1000)} s`}`,
      options,
    );
    this.retryAfterMs = retryAfterMs;
  }
}
