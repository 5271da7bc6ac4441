import type { Categorization, TxnForCategorize } from "../types.js";
import type { Condition, Rule } from "./schema.js";

// Compiled patterns are cached by source: rules are evaluated against thousands of transactions.
const regexCache = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, "i");
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

export function conditionMatches(condition: Condition, txn: TxnForCategorize): boolean {
  switch (condition.field) {
    case "amount": {
      const abs = Math.abs(txn.amountCents);
      return (
        (condition.min === undefined || abs >= condition.min) &&
        (condition.max === undefined || abs <= condition.max)
      );
    }
    case "direction":
      return condition.value === "out" ? txn.amountCents < 0 : txn.amountCents > 0;
    case "description":
    case "payee": {
      const text = condition.field === "payee" ? (txn.payee ?? "") : txn.description;
      if (condition.op === "regex") return compiled(condition.value).test(text);
      const hay = text.toLowerCase().trim();
      const needle = condition.value.toLowerCase().trim();
      if (condition.op === "contains") return hay.includes(needle);
      if (condition.op === "starts_with") return hay.startsWith(needle);
      return hay === needle;
    }
  }
}

export function ruleMatches(rule: Rule, txn: TxnForCategorize): boolean {
  return rule.enabled && rule.conditions.every((c) => conditionMatches(c, txn));
}

/** Sorted by priority (lower first), ties by id so the order never depends on how rules were loaded. */
export function sortRules(rules: readonly Rule[]): Rule[] {
  return [...rules].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The first enabled rule, in priority order, whose every condition matches; null when none does. */
export function evaluateRules(rules: readonly Rule[], txn: TxnForCategorize): Categorization | null {
  for (const rule of sortRules(rules)) {
    if (ruleMatches(rule, txn)) {
      return { accountId: rule.accountId, confidence: 1, source: "rule", reason: `rule "${rule.name}"` };
    }
  }
  return null;
}
