import { categorizeBatch } from "../categorize/batch.js";
import { createLlmCategorizer, type LlmCategorizer } from "../categorize/llm/categorizer.js";
import type { Categorization, TxnForCategorize } from "../categorize/types.js";
import type { CompanyContext } from "./company-context.js";
import type { LlmStatus } from "./schemas.js";

const NO_LLM = createLlmCategorizer(null);

export interface StepOutput {
  /** One per txn, same order; only answers naming one of the company's bookable accounts. */
  results: (Categorization | null)[];
  llm: LlmStatus;
  llmError?: string;
}

/**
 * Runs the categorizers (rules → history → LLM when `llm` is given) over some transactions of one
 * company. The upload task calls it twice — without the LLM, then with it for the leftovers — so
 * its rules (50 %) and LLM (70 %) steps are real.
 */
export async function runCategorizers(
  context: CompanyContext,
  txns: readonly TxnForCategorize[],
  options: { tenantId: string; llm: LlmCategorizer | null; signal: AbortSignal },
): Promise<StepOutput> {
  const { results, counts } = await categorizeBatch({
    txns,
    rules: context.rules,
    history: context.history.size > 0 ? context.history : null,
    llm: options.llm ?? NO_LLM,
    accounts: context.accounts,
    tenantId: options.tenantId,
    signal: options.signal,
  });
  const known = new Set(context.accounts.map((a) => a.id));
  return {
    results: results.map((c) => (c && known.has(c.accountId) ? c : null)),
    llm: counts.llm,
    ...(counts.llmError ? { llmError: counts.llmError } : {}),
  };
}
