import { setMaxListeners } from "node:events";
import { categorizeBatch } from "../categorize/batch.js";
import { createLlmCategorizer, type LlmCategorizer } from "../categorize/llm/categorizer.js";
import { loadBuiltInPrior } from "../categorize/prior/model.js";
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
 * Runs the categorizers (rules → built-in prior and history → LLM when `llm` is given) over some transactions of one
 * company. The upload task calls it twice — without the LLM, then with it for the leftovers — so
 * its rules (50 %) and LLM (70 %) steps are real.
 */
export async function runCategorizers(
  context: CompanyContext,
  txns: readonly TxnForCategorize[],
  options: { tenantId: string; llm: LlmCategorizer | null; signal: AbortSignal },
): Promise<StepOutput> {
  // The LLM categorizer listens on the signal once per queued request (75 for 3,000 new payees);
  // a child signal with a higher listener limit keeps Node's leak warning for real leaks.
  const child = new AbortController();
  setMaxListeners(1000, child.signal);
  const forward = () => child.abort(options.signal.reason);
  if (options.signal.aborted) forward();
  else options.signal.addEventListener("abort", forward, { once: true });
  let outcome: Awaited<ReturnType<typeof categorizeBatch>>;
  try {
    outcome = await categorizeBatch({
      txns,
      rules: context.rules,
      history: context.history.size > 0 ? context.history : null,
      prior: loadBuiltInPrior().forAccounts(context.accounts),
      llm: options.llm ?? NO_LLM,
      accounts: context.accounts,
      tenantId: options.tenantId,
      signal: child.signal,
    });
  } finally {
    options.signal.removeEventListener("abort", forward);
  }
  const { results, counts } = outcome;
  const known = new Set(context.accounts.map((a) => a.id));
  return {
    results: results.map((c) => (c && known.has(c.accountId) ? c : null)),
    llm: counts.llm,
    ...(counts.llmError ? { llmError: counts.llmError } : {}),
  };
}
