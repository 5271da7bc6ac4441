import type { BackoffOptions } from "./types.js";

export const DEFAULT_BACKOFF: Required<BackoffOptions> = Object.freeze({
  baseMs: 1000,
  factor: 2,
  maxMs: 60 * 60 * 1000,
  jitter: 0.2,
});

/**
 * Delay before retrying after failed attempt number `attempt` (1-based):
 * `min(baseMs * factor ** (attempt - 1), maxMs)`, then up to `jitter` of it taken off at random so
 * workers that failed together do not retry together. Jitter only shortens, so `maxMs` is a true cap.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_BACKOFF.jitter));
  const exponent = Math.max(0, attempt - 1);
  const delay = Math.min(baseMs * factor ** exponent, maxMs);
  return Math.round(delay * (1 - jitter * random()));
}
