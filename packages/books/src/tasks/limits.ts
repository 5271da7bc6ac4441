import { RetryAfterError, type TaskDefinition } from "@ledgerflow/jobs";
import type { LlmCategorizer } from "../categorize/llm/categorizer.js";
import { LlmRateLimitedError } from "../categorize/llm/rate-limited.js";

/**
 * How the book tasks use the engine's queue control (docs/books/categorizers.md, "Limits"): a
 * per-company concurrency key bounds one company's jobs (and so its LLM calls) in flight, a rate
 * limit per LLM provider bounds how many jobs that may call it start per window, and a provider's 429
 * becomes a RetryAfterError, which blocks that provider's bucket for every job in every process.
 */

/** Retries after the first attempt of each book task (4 attempts in all). */
export const BOOK_TASK_RETRIES = 3;
/**
 * Retries of an upload's parent and chunk jobs (10 attempts in all). Their runs are short and resume
 * where they stopped (stored steps, idempotent chunks), so what ends most of their attempts is a
 * crash, not the work: the chaos run — a worker SIGKILLed every 4 s on PostgreSQL — killed one of 20
 * parents 4 times and failed its import with all its rows booked. A provider's 429 still gets the
 * book tasks' 3 waits (lastAttemptLlmReason counts BOOK_TASK_RETRIES), then the rows go to review.
 */
export const UPLOAD_TASK_RETRIES = 9;
/** The wait after a 429 that named no Retry-After. */
export const DEFAULT_PROVIDER_WAIT_MS = 30_000;
/** A longer Retry-After is cut to this, so a confused provider cannot park jobs for a day. */
export const MAX_PROVIDER_WAIT_MS = 10 * 60_000;

export interface BookTaskLimits {
  /** Jobs of one book task running at once for one company, across every worker and process. */
  companyConcurrency: number;
  /** `upload_chunk` jobs (slices of large uploads) running at once for one company. */
  uploadChunkConcurrency: number;
  /** Starts per window, per LLM provider, of book jobs (they may call it); null for no limit. */
  llmRate: { max: number; perMs: number } | null;
}

export const DEFAULT_BOOK_TASK_LIMITS: BookTaskLimits = {
  companyConcurrency: 1,
  uploadChunkConcurrency: 4,
  llmRate: { max: 30, perMs: 60_000 },
};

export const companyKey = (companyId: string) => `company:${companyId}`;

/**
 * The `concurrency` and `rateLimit` fields of a book task. The rate limit is declared only when an LLM
 * is configured (rows that rules and history answer need no provider's permission), keyed by its host.
 */
export function bookTaskLimits<I>(
  limits: BookTaskLimits,
  llm: LlmCategorizer | null,
  companyOf: (input: I, tenantId: string) => string,
): Pick<TaskDefinition<I>, "concurrency" | "rateLimit"> {
  const provider = llm?.enabled ? (llm.provider ?? "llm") : null;
  return {
    concurrency: { limit: limits.companyConcurrency, key: (input, ctx) => companyOf(input, ctx.tenantId) },
    ...(provider !== null && limits.llmRate
      ? { rateLimit: { ...limits.llmRate, key: () => `llm:${provider}` } }
      : {}),
  };
}

/**
 * For a handler that caught `error` from the categorizers: a provider's 429 becomes a RetryAfterError
 * (thrown) while attempts remain, so the job gives its slot back and the engine holds every job on the
 * provider until Retry-After. On the last attempt it returns the reason instead, and the job goes on
 * without the LLM (its rows go to review), as it would after any other LLM failure. Anything else is
 * thrown as it was.
 */
export function lastAttemptLlmReason(error: unknown, attempt: number): string {
  if (!(error instanceof LlmRateLimitedError)) throw error;
  if (attempt <= BOOK_TASK_RETRIES) {
    const waitMs = Math.min(error.retryAfterMs ?? DEFAULT_PROVIDER_WAIT_MS, MAX_PROVIDER_WAIT_MS);
    throw new RetryAfterError(waitMs, `${error.message}; trying again in ${Math.ceil(waitMs / 1000)} s`);
  }
  return `${error.message} on every attempt`;
}
