import type { LlmAnswerCache } from "./cache.js";

export interface LlmConfig {
  /** OpenAI-compatible endpoint, e.g. "http://127.0.0.1:11434/v1"; the OpenAI API when omitted. */
  baseURL?: string;
  /** Some local endpoints need none; the SDK requires a string, so a placeholder is sent then. */
  apiKey?: string;
  model: string;
  /** Per call. Default 30 s. */
  timeoutMs?: number;
  /** Calls per batch, counting the first. Default 4. */
  maxAttempts?: number;
  /** Exponential backoff between attempts, before jitter. Defaults 500 ms doubling up to 20 s. */
  backoff?: { baseMs: number; capMs: number };
  /** Transactions per call, 25–50 keeps prompts short and calls few. Default 40. */
  batchSize?: number;
  /** Calls in flight at once. Default 3. */
  concurrency?: number;
  /** The model's own confidence is capped: an LLM guess is never as sure as a rule. Default 0.9. */
  maxConfidence?: number;
  /** Answers per tenant and payee; an in-memory LRU of 5,000 when omitted. */
  cache?: LlmAnswerCache;
  /**
   * On a 429, stop and reject with LlmRateLimitedError (after the batches in flight finish) instead of
   * waiting out Retry-After inside the call. For callers that can retry later as a whole, such as a
   * job whose engine then holds every job on the provider (see docs/books/categorizers.md). Default false.
   */
  surfaceRateLimits?: boolean;
}

/**
 * Reads LLM_BASE_URL, LLM_API_KEY and LLM_MODEL. The LLM is on only when a model is named and there is
 * somewhere to send it (a base URL, or an API key for the default endpoint); otherwise null, and the
 * categorizer reports `llm: "disabled"` instead of failing.
 */
export function llmConfigFromEnv(env: Record<string, string | undefined> = process.env): LlmConfig | null {
  const model = env.LLM_MODEL?.trim();
  const baseURL = env.LLM_BASE_URL?.trim() || undefined;
  const apiKey = env.LLM_API_KEY?.trim() || undefined;
  if (!model || (!baseURL && !apiKey)) return null;
  return { model, baseURL, apiKey };
}
