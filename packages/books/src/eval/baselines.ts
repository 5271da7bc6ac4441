import { NaiveBayes } from "../categorize/history/naive-bayes.js";
import type { TxnForCategorize } from "../categorize/types.js";

/** What the evaluation compares: anything that learns labeled transactions and guesses with a confidence. */
export interface Predictor {
  name: string;
  train(examples: { txn: TxnForCategorize; accountId: string }[]): void;
  predict(txn: TxnForCategorize): { accountId: string; confidence: number } | null;
}

/**
 * Baseline 1: exact payee lookup, as a spreadsheet VLOOKUP would do it — the payee (or, without one, the
 * whole description) lower-cased, digits dropped, spaces collapsed; the most frequent label wins; confidence is its share.
 */
export function payeeLookupBaseline(): Predictor {
  const memory = new Map<string, Map<string, number>>();
  // Digits are dropped so store numbers and masked card digits do not make every row a new payee.
  const keyOf = (t: TxnForCategorize) =>
    (t.payee ?? t.description).toLowerCase().replace(/\d+/g, "").replace(/\s+/g, " ").trim();
  return {
    name: "payee lookup (baseline)",
    train(examples) {
      for (const { txn, accountId } of examples) {
        const key = keyOf(txn);
        const counts = memory.get(key) ?? new Map<string, number>();
        counts.set(accountId, (counts.get(accountId) ?? 0) + 1);
        memory.set(key, counts);
      }
    },
    predict(txn) {
      const counts = memory.get(keyOf(txn));
      if (!counts) return null;
      let best: { accountId: string; n: number } | null = null;
      let total = 0;
      for (const [accountId, n] of counts) {
        total += n;
        if (!best || n > best.n) best = { accountId, n };
      }
      return best && { accountId: best.accountId, confidence: best.n / total };
    },
  };
}

/** Baseline 2: textbook multinomial naive Bayes on the description's words, Laplace smoothing, posterior as confidence. */
export function naiveBayesBaseline(): Predictor {
  const nb = new NaiveBayes(1);
  const tokens = (t: TxnForCategorize) =>
    `${t.payee ?? ""} ${t.description}`
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w !== "");
  return {
    name: "naive Bayes (baseline)",
    train(examples) {
      for (const { txn, accountId } of examples) nb.add(tokens(txn), accountId);
    },
    predict(txn) {
      const s = nb.scores(tokens(txn));
      return s.top < 0 ? null : { accountId: s.labels[s.top]!, confidence: s.p[s.top]! };
    },
  };
}
