import { createHash } from "node:crypto";
import OpenAI from "openai";
import { payeeKey } from "../payee-key.js";
import type { Account, Categorization, TxnForCategorize } from "../types.js";
import { type CachedAnswer, createLruCache, fromCache } from "./cache.js";
import { callWithRetries } from "./call.js";
import type { LlmConfig } from "./config.js";
import { createLimiter } from "./limiter.js";
import { type AnswerRow, type PromptRow, parseAnswer } from "./prompt.js";
import { LlmRateLimitedError } from "./rate-limited.js";

export interface LlmCategorizeRequest {
  /** Scopes the answer cache; with the chart of accounts it keeps one company's answers from another's. */
  tenantId?: string;
  txns: readonly TxnForCategorize[];
  accounts: readonly Account[];
  signal?: AbortSignal;
  /** Called as batches finish, with how many of `txns` have an answer (or a final no-answer) so far. */
  onProgress?: (done: number, total: number) => void;
}

export type LlmCategorizeResult =
  | { status: "disabled" }
  | {
      /** "error" when at least one batch failed for good; its rows are null, the others still answered. */
      status: "ok" | "error";
      /** One per request txn, in order; null = no usable answer (falls to review). */
      results: (Categorization | null)[];
      error?: string;
      /** Batches sent (each is one call, plus its retries). */
      batches: number;
      cacheHits: number;
    };

export interface LlmCategorizer {
  readonly enabled: boolean;
  /** Who answers, e.g. "api.openai.com" or "127.0.0.1:11434" (the endpoint's host); null when disabled. */
  readonly provider?: string | null;
  categorize(request: LlmCategorizeRequest): Promise<LlmCategorizeResult>;
}

const disabled: LlmCategorizer = {
  enabled: false,
  provider: null,
  categorize: async () => ({ status: "disabled" }),
};

/** Company charts differ, so the cache scope includes a fingerprint of the account ids offered. */
function scopeOf(tenantId: string | undefined, accounts: readonly Account[]): string {
  const ids = accounts.map((a) => a.id).sort();
  return `${tenantId ?? "-"}:${createHash("sha256").update(ids.join("\n")).digest("base64url").slice(0, 16)}`;
}

/**
 * Answers one batch: the rows' account ids, as the structured answer gives them. The default sends the
 * batch to the OpenAI-compatible endpoint (with retries); llm/local.ts runs a GGUF model in-process.
 */
export type BatchAnswerer = (
  rows: PromptRow[],
  accounts: readonly Account[],
  signal: AbortSignal | undefined,
) => Promise<AnswerRow[]>;

/** `null` config → a categorizer that answers `{ status: "disabled" }` (see llmConfigFromEnv). */
export function createLlmCategorizer(
  config: LlmConfig | null,
  engine?: { answer: BatchAnswerer },
): LlmCategorizer {
  if (!config) return disabled;
  const client = new OpenAI({
    baseURL: config.baseURL,
    apiKey: config.apiKey ?? "not-needed",
    maxRetries: 0,
    timeout: config.timeoutMs ?? 30_000,
  });
  const cache = config.cache ?? createLruCache();
  // The cache saves calls; it must never cost answers. A failing store (a database that is down)
  // counts as a miss on read and is skipped on write.
  const cacheGet = async (scope: string, key: string) => {
    try {
      return await cache.get(scope, key);
    } catch {
      return undefined;
    }
  };
  const cacheSet = async (scope: string, key: string, answer: CachedAnswer) => {
    try {
      await cache.set(scope, key, answer);
    } catch {
      // best effort, see above
    }
  };
  const limit = createLimiter(config.concurrency ?? 3);
  const batchSize = Math.max(1, config.batchSize ?? 40);
  const maxConfidence = config.maxConfidence ?? 0.9;
  const callOptions = {
    client,
    model: config.model,
    timeoutMs: config.timeoutMs ?? 30_000,
    maxAttempts: config.maxAttempts ?? 4,
    backoff: config.backoff ?? { baseMs: 500, capMs: 20_000 },
    surfaceRateLimits: config.surfaceRateLimits ?? false,
  };

  return {
    enabled: true,
    provider: new URL(config.baseURL ?? "https://api.openai.com/v1").host,
    async categorize({ tenantId, txns, accounts, signal, onProgress }) {
      const results: (Categorization | null)[] = txns.map(() => null);
      const accountIds = new Set(accounts.map((a) => a.id));
      const scope = scopeOf(tenantId, accounts);
      let cacheHits = 0;
      let done = 0;

      // One question per payee: transactions with the same payee key share the answer. Keyless ones
      // (a bare cheque) are asked about one by one and never cached.
      const groups = new Map<string, number[]>();
      for (let i = 0; i < txns.length; i++) {
        const key = payeeKey(txns[i]!.description, txns[i]!.payee);
        if (key) {
          const cached = await cacheGet(scope, key);
          if (cached && accountIds.has(cached.accountId)) {
            results[i] = fromCache(cached, key);
            cacheHits++;
            done++;
            continue;
          }
        }
        const groupKey = key || `\u0000${i}`;
        const members = groups.get(groupKey);
        if (members) members.push(i);
        else groups.set(groupKey, [i]);
      }
      if (done > 0) onProgress?.(done, txns.length);

      const asked = [...groups.entries()];
      const batches: (typeof asked)[] = [];
      for (let b = 0; b < asked.length; b += batchSize) batches.push(asked.slice(b, b + batchSize));

      let sent = 0;
      const errors: string[] = [];
      // Set by the first 429 when rate limits are surfaced: batches not yet sent are not sent.
      let rateLimited: LlmRateLimitedError | null = null;
      const stopped = () => rateLimited !== null;
      await Promise.all(
        batches.map((batch) =>
          limit(async () => {
            signal?.throwIfAborted();
            if (stopped()) return;
            const rows: PromptRow[] = batch.map(([, members], j) => ({
              ref: String(j + 1),
              txn: txns[members[0]!]!,
            }));
            try {
              sent++;
              const answers = engine
                ? await engine.answer(rows, accounts, signal)
                : await callWithRetries(rows, accounts, { ...callOptions, signal }, parseAnswer);
              for (const answer of answers) {
                const entry = batch[Number(answer.ref) - 1];
                if (!entry || !accountIds.has(answer.account_id)) continue;
                const [key, members] = entry;
                const confidence = Math.min(Math.max(answer.confidence ?? 0.5, 0), maxConfidence);
                const cached: CachedAnswer = {
                  accountId: answer.account_id,
                  confidence,
                  reason: answer.reason,
                };
                if (!key.startsWith("\u0000")) await cacheSet(scope, key, cached);
                for (const i of members) {
                  results[i] = {
                    accountId: answer.account_id,
                    confidence,
                    source: "llm",
                    reason: answer.reason,
                  };
                }
              }
            } catch (error) {
              if (signal?.aborted) throw signal.reason;
              if (error instanceof LlmRateLimitedError) {
                if ((error.retryAfterMs ?? 0) >= (rateLimited?.retryAfterMs ?? 0)) rateLimited = error;
                return;
              }
              errors.push(error instanceof Error ? error.message : String(error));
            }
            done += batch.reduce((n, [, members]) => n + members.length, 0);
            onProgress?.(done, txns.length);
          }),
        ),
      );
      if (rateLimited) throw rateLimited;
      return errors.length
        ? { status: "error", results, error: [...new Set(errors)].join("; "), batches: sent, cacheHits }
        : { status: "ok", results, batches: sent, cacheHits };
    },
  };
}
