import type { HistoryModel } from "./history/model.js";
import type { LlmCategorizer } from "./llm/categorizer.js";
import type { PriorCategorizer } from "./prior/model.js";
import { ruleMatches, sortRules } from "./rules/evaluate.js";
import type { Rule } from "./rules/schema.js";
import { type Account, type Categorization, HIGH_CONFIDENCE, type TxnForCategorize } from "./types.js";

export interface CategorizeBatchInput {
  txns: readonly TxnForCategorize[];
  rules: readonly Rule[];
  /** Null when the company has no categorized history yet. */
  history: HistoryModel | null;
  /**
   * The built-in prior, answering with this company's accounts (`loadBuiltInPrior().forAccounts(...)`);
   * null or absent to go without it.
   */
  prior?: PriorCategorizer | null;
  llm: LlmCategorizer;
  accounts: readonly Account[];
  /** Scopes the LLM answer cache. */
  tenantId?: string;
  signal?: AbortSignal;
  /** `done` of `total` transactions have passed through `stage` (rules → history → llm). */
  onProgress?: (progress: { stage: "rules" | "history" | "llm"; done: number; total: number }) => void;
}

export interface CategorizeBatchCounts {
  byRule: number;
  byPrior: number;
  byHistory: number;
  byLlm: number;
  /** Categorized with confidence ≥ 0.8: post as is. */
  highConfidence: number;
  /** Categorized below 0.8: post, flagged needs_review. */
  needsReview: number;
  /** No categorizer had an answer at all. */
  uncategorized: number;
  llm: "ok" | "disabled" | "error";
  /** Why the LLM failed, for the job result, when llm is "error". */
  llmError?: string;
}

export interface CategorizeBatchResult {
  /** One per input txn, in order. */
  results: (Categorization | null)[];
  counts: CategorizeBatchCounts;
}

/** Prefer the more confident of two low-confidence proposals; the first wins ties. */
function better(a: Categorization | null, b: Categorization | null): Categorization | null {
  if (!a) return b;
  if (!b) return a;
  return b.confidence > a.confidence ? b : a;
}

/**
 * The prior knows merchants in general; the history knows this company. The company wins whenever it
 * has a say: a confident history answer, or any answer from a payee it has booked before (a bookkeeper
 * who moved Starbucks to Travel is not overruled by the prior's Meals, even while the history is
 * still unsure — the row goes to review instead). Otherwise a confident prior answer wins, and
 * without one the more confident of the two goes to review. When both name the same account the
 * higher confidence is kept. So the prior carries a new company and fades as its history grows.
 */
export function combinePriorAndHistory(
  prior: Categorization | null,
  history: Categorization | null,
  historyKnowsPayee: boolean,
): Categorization | null {
  if (prior && history && prior.accountId === history.accountId) return better(history, prior);
  if (history && (history.confidence >= HIGH_CONFIDENCE || historyKnowsPayee)) return history;
  if (prior && prior.confidence >= HIGH_CONFIDENCE) return prior;
  return better(history, prior);
}

/**
 * Runs the categorizers in order — rules, then the prior and history, then the LLM for whatever is still not
 * confidently categorized — and counts the outcome. The first confident (≥ 0.8) proposal wins; a
 * transaction nobody is sure about keeps the most confident proposal it got and is flagged for review.
 * Only the leftovers reach the LLM, in batches, because that is the slow and costly step.
 */
export async function categorizeBatch(input: CategorizeBatchInput): Promise<CategorizeBatchResult> {
  const { txns, history, llm, accounts, signal, onProgress } = input;
  const total = txns.length;
  const results: (Categorization | null)[] = txns.map(() => null);
  const known = new Set(accounts.map((a) => a.id));
  const rules = sortRules(input.rules).filter((r) => r.enabled && known.has(r.accountId));
  signal?.throwIfAborted();

  for (let i = 0; i < total; i++) {
    const rule = rules.find((r) => ruleMatches(r, txns[i]!));
    if (rule)
      results[i] = {
        accountId: rule.accountId,
        confidence: 1,
        source: "rule",
        reason: `rule "${rule.name}"`,
      };
  }
  onProgress?.({ stage: "rules", done: total, total });
  signal?.throwIfAborted();

  const prior = input.prior ?? null;
  if (history || prior) {
    for (let i = 0; i < total; i++) {
      if (results[i]) continue;
      const txn = txns[i]!;
      const fromHistory = history?.predict(txn) ?? null;
      const h = fromHistory && known.has(fromHistory.accountId) ? fromHistory : null;
      const fromPrior = prior?.predict(txn) ?? null;
      const p = fromPrior && known.has(fromPrior.accountId) ? fromPrior : null;
      results[i] = combinePriorAndHistory(p, h, h !== null && history!.knowsPayee(txn));
    }
  }
  onProgress?.({ stage: "history", done: total, total });
  signal?.throwIfAborted();

  const leftovers: number[] = [];
  for (let i = 0; i < total; i++) if ((results[i]?.confidence ?? 0) < HIGH_CONFIDENCE) leftovers.push(i);
  let llmStatus: CategorizeBatchCounts["llm"] = llm.enabled ? "ok" : "disabled";
  let llmError: string | undefined;
  if (llm.enabled && leftovers.length > 0) {
    const answer = await llm.categorize({
      tenantId: input.tenantId,
      txns: leftovers.map((i) => txns[i]!),
      accounts,
      signal,
      onProgress: (done) => onProgress?.({ stage: "llm", done: total - leftovers.length + done, total }),
    });
    if (answer.status === "disabled") llmStatus = "disabled";
    else {
      llmStatus = answer.status;
      llmError = answer.error;
      leftovers.forEach((i, j) => {
        results[i] = better(results[i] ?? null, answer.results[j] ?? null);
      });
    }
  }
  onProgress?.({ stage: "llm", done: total, total });

  const counts: CategorizeBatchCounts = {
    byRule: 0,
    byPrior: 0,
    byHistory: 0,
    byLlm: 0,
    highConfidence: 0,
    needsReview: 0,
    uncategorized: 0,
    llm: llmStatus,
  };
  if (llmError) counts.llmError = llmError;
  for (const r of results) {
    if (!r) {
      counts.uncategorized++;
      continue;
    }
    if (r.source === "rule") counts.byRule++;
    else if (r.source === "prior") counts.byPrior++;
    else if (r.source === "history") counts.byHistory++;
    else if (r.source === "llm") counts.byLlm++;
    if (r.confidence >= HIGH_CONFIDENCE) counts.highConfidence++;
    else counts.needsReview++;
  }
  return { results, counts };
}
