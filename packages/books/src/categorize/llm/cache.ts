import type { Categorization } from "../types.js";

/** What the LLM answered for one payee of one company, reused for its next transactions. */
export interface CachedAnswer {
  accountId: string;
  confidence: number;
  reason?: string;
}

/**
 * Where LLM answers are kept, keyed by scope (tenant and company chart) and payee key. Async so a
 * database table can implement it; the in-memory LRU below is the default.
 */
export interface LlmAnswerCache {
  get(scope: string, payeeKey: string): Promise<CachedAnswer | undefined> | CachedAnswer | undefined;
  set(scope: string, payeeKey: string, answer: CachedAnswer): Promise<void> | void;
}

/** A least-recently-used cache: a Map keeps insertion order, so re-inserting on read marks recent use. */
export interface MemoryAnswerCache extends LlmAnswerCache {
  readonly size: number;
  get(scope: string, payeeKey: string): CachedAnswer | undefined;
  set(scope: string, payeeKey: string, answer: CachedAnswer): void;
}

export function createLruCache(maxEntries = 5000): MemoryAnswerCache {
  const entries = new Map<string, CachedAnswer>();
  const k = (scope: string, payeeKey: string) => `${scope}\u0000${payeeKey}`;
  return {
    get size() {
      return entries.size;
    },
    get(scope, payeeKey) {
      const key = k(scope, payeeKey);
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(scope, payeeKey, answer) {
      const key = k(scope, payeeKey);
      entries.delete(key);
      entries.set(key, answer);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
  };
}

export function fromCache(answer: CachedAnswer, payeeKey: string): Categorization {
  return {
    accountId: answer.accountId,
    confidence: answer.confidence,
    source: "llm",
    reason: `LLM answer for payee "${payeeKey}" (cached)${answer.reason ? `: ${answer.reason}` : ""}`,
  };
}
