import type { CachedAnswer, LlmAnswerCache } from "../categorize/llm/cache.js";
import type { BooksDb } from "./open.js";

/**
 * The LLM answer cache in the books database (table categorizer_cache), so answers survive restarts
 * and are shared by every worker process. Pass it as `cache` in the LLM config:
 * `createLlmCategorizer({ ...llmConfigFromEnv(env), cache: createDbAnswerCache(db) })`.
 * The tenant of a row is taken from the answer's account, so the cache never parses the scope.
 */
export function createDbAnswerCache(db: BooksDb): LlmAnswerCache {
  return {
    async get(scope, payeeKey) {
      const row = await db
        .selectFrom("categorizer_cache")
        .select(["account_id", "confidence", "reason"])
        .where("scope", "=", scope)
        .where("payee_key", "=", payeeKey)
        .executeTakeFirst();
      if (!row) return undefined;
      const answer: CachedAnswer = { accountId: row.account_id, confidence: row.confidence };
      if (row.reason) answer.reason = row.reason;
      return answer;
    },
    async set(scope, payeeKey, answer) {
      const account = await db
        .selectFrom("accounts")
        .select("tenant_id")
        .where("id", "=", answer.accountId)
        .executeTakeFirst();
      if (!account) return; // the account was deleted meanwhile: nothing worth remembering
      const now = Date.now();
      await db
        .insertInto("categorizer_cache")
        .values({
          scope,
          payee_key: payeeKey,
          tenant_id: account.tenant_id,
          account_id: answer.accountId,
          confidence: answer.confidence,
          reason: answer.reason ?? null,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(["scope", "payee_key"]).doUpdateSet({
            tenant_id: account.tenant_id,
            account_id: answer.accountId,
            confidence: answer.confidence,
            reason: answer.reason ?? null,
            updated_at: now,
          }),
        )
        .execute();
    },
  };
}
