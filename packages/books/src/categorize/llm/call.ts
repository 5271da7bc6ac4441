import OpenAI from "openai";
import type { Account } from "../types.js";
import { type BackoffOptions, isRetryableStatus, parseRetryAfter, retryDelayMs, sleep } from "./backoff.js";
import {
  type AnswerRow,
  buildMessages,
  buildResponseFormat,
  MalformedAnswerError,
  type PromptRow,
} from "./prompt.js";
import { LlmRateLimitedError } from "./rate-limited.js";

export interface CallOptions {
  client: OpenAI;
  model: string;
  timeoutMs: number;
  maxAttempts: number;
  backoff: BackoffOptions;
  signal?: AbortSignal;
  /** A 429 throws {@link LlmRateLimitedError} at once instead of being waited out and retried here. */
  surfaceRateLimits?: boolean;
}

/** A batch that failed for good; its message is written for the person reading the job result. */
export class LlmCallError extends Error {
  override readonly name = "LlmCallError";
}

function describe(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return "the LLM endpoint timed out";
  if (error instanceof OpenAI.APIConnectionError) return "the LLM endpoint could not be reached";
  if (error instanceof OpenAI.APIError) {
    if (error.status === 401 || error.status === 403) {
      return `the LLM endpoint refused the API key (${error.status}): check LLM_API_KEY`;
    }
    if (error.status === 404)
      return "the LLM endpoint does not know this model or path (404): check LLM_MODEL and LLM_BASE_URL";
    if (error.status === 429) return "the LLM endpoint kept rate-limiting (429)";
    return `the LLM endpoint answered ${error.status ?? "an error"}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * One chat completion for one batch, retried on 429, 5xx, timeouts, lost connections and malformed
 * answers, with exponential backoff that yields to the server's Retry-After. The SDK's own retries are
 * off (maxRetries: 0) so there is one retry policy, here, and tests can count every call.
 */
export async function callWithRetries(
  rows: readonly PromptRow[],
  accounts: readonly Account[],
  options: CallOptions,
  parse: (content: string | null | undefined) => AnswerRow[],
): Promise<AnswerRow[]> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    try {
      const completion = await options.client.chat.completions.create(
        {
          model: options.model,
          messages: buildMessages(rows, accounts),
          response_format: buildResponseFormat(rows, accounts),
          temperature: 0,
        },
        { timeout: options.timeoutMs, maxRetries: 0, signal: options.signal },
      );
      return parse(completion.choices[0]?.message.content);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      lastError = error;
      if (options.surfaceRateLimits && error instanceof OpenAI.APIError && error.status === 429) {
        throw new LlmRateLimitedError(parseRetryAfter(error.headers), { cause: error });
      }
      const retryable =
        error instanceof MalformedAnswerError ||
        error instanceof OpenAI.APIConnectionError ||
        (error instanceof OpenAI.APIError && isRetryableStatus(error.status));
      if (!retryable || attempt === options.maxAttempts) break;
      const retryAfter = error instanceof OpenAI.APIError ? parseRetryAfter(error.headers) : null;
      await sleep(retryDelayMs(attempt, options.backoff, retryAfter), options.signal);
    }
  }
  throw new LlmCallError(describe(lastError), { cause: lastError });
}
