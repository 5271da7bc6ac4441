/**
 * Glossary
 * - account: one line of a company's chart of accounts; categorizing a transaction means choosing one.
 * - categorizer: something that proposes an account for a transaction — rules, history, or the LLM —
 *   tried in that order; the first confident proposal wins.
 * - confidence: 0..1, meant as "the probability this proposal is right". At or above
 *   {@link HIGH_CONFIDENCE} the proposal is posted as is; below it the transaction needs review.
 * - payee key: the stable part of a messy bank description ("SQ *BLUE BOTTLE #12 SF CA" → "blue bottle"),
 *   the unit of payee memory and of the LLM answer cache.
 */

export type AccountType = "asset" | "liability" | "equity" | "income" | "expense";

export interface Account {
  id: string;
  code: string;
  name: string;
  type: AccountType;
}

export interface TxnForCategorize {
  id: string;
  /** ISO date, YYYY-MM-DD. */
  date: string;
  description: string;
  payee: string | null;
  /** Integer minor units; negative = money out. */
  amountCents: number;
}

export type CategorizationSource = "rule" | "prior" | "history" | "llm" | "manual";

export interface Categorization {
  accountId: string;
  /** 0..1; see {@link HIGH_CONFIDENCE}. */
  confidence: number;
  source: CategorizationSource;
  reason?: string;
}

/** At or above this a categorization is posted as is; below it the transaction is flagged needs_review. */
export const HIGH_CONFIDENCE = 0.8;

export function isHighConfidence(c: Categorization | null | undefined): boolean {
  return c != null && c.confidence >= HIGH_CONFIDENCE;
}
