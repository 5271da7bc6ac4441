import { describe, expect, it } from "vitest";
import { type Condition, evaluateRules, type Rule, ruleSchema } from "../src/categorize/index.js";
import { conditionMatches } from "../src/categorize/rules/evaluate.js";
import type { TxnForCategorize } from "../src/categorize/types.js";

const coffee: TxnForCategorize = {
  id: "t1",
  date: "2025-03-01",
  description: "POS PURCHASE Starbucks #1234 Seattle WA",
  payee: "Starbucks",
  amountCents: -575,
};
const payout: TxnForCategorize = {
  id: "t2",
  date: "2025-03-02",
  description: "STRIPE TRANSFER ST-9X2",
  payee: null,
  amountCents: 125_000,
};

describe("conditionMatches", () => {
  const cases: [string, Condition, TxnForCategorize, boolean][] = [
    ["contains, any case", { field: "description", op: "contains", value: "STARBUCKS" }, coffee, true],
    ["contains, not present", { field: "description", op: "contains", value: "dunkin" }, coffee, false],
    ["equals the payee, any case", { field: "payee", op: "equals", value: "starbucks" }, coffee, true],
    [
      "equals ignores surrounding spaces",
      { field: "payee", op: "equals", value: " Starbucks " },
      coffee,
      true,
    ],
    ["equals is not contains", { field: "description", op: "equals", value: "starbucks" }, coffee, false],
    ["starts_with", { field: "description", op: "starts_with", value: "pos purchase" }, coffee, true],
    [
      "starts_with, elsewhere in the text",
      { field: "description", op: "starts_with", value: "starbucks" },
      coffee,
      false,
    ],
    [
      "regex, case-insensitive",
      { field: "description", op: "regex", value: "starbucks #\\d+" },
      coffee,
      true,
    ],
    [
      "regex anchored",
      { field: "description", op: "regex", value: "^stripe (transfer|payout)" },
      payout,
      true,
    ],
    ["regex no match", { field: "description", op: "regex", value: "^transfer" }, payout, false],
    [
      "payee condition on a txn without payee",
      { field: "payee", op: "contains", value: "stripe" },
      payout,
      false,
    ],
    ["amount within min..max (absolute value)", { field: "amount", min: 500, max: 600 }, coffee, true],
    ["amount min is inclusive", { field: "amount", min: 575 }, coffee, true],
    ["amount max is inclusive", { field: "amount", max: 575 }, coffee, true],
    ["amount below min", { field: "amount", min: 576 }, coffee, false],
    ["amount above max", { field: "amount", max: 100_000 }, payout, false],
    ["direction out matches money out", { field: "direction", value: "out" }, coffee, true],
    ["direction out does not match money in", { field: "direction", value: "out" }, payout, false],
    ["direction in matches money in", { field: "direction", value: "in" }, payout, true],
    ["direction in does not match money out", { field: "direction", value: "in" }, coffee, false],
  ];
  it.each(cases)("%s", (_name, condition, txn, expected) => {
    expect(conditionMatches(condition, txn)).toBe(expected);
  });
});

function rule(
  id: string,
  priority: number,
  conditions: Condition[],
  accountId: string,
  enabled = true,
): Rule {
  return { id, name: `rule ${id}`, priority, conditions, accountId, enabled };
}

describe("evaluateRules", () => {
  const rules: Rule[] = [
    rule("coffee", 20, [{ field: "description", op: "contains", value: "starbucks" }], "acc_meals"),
    rule(
      "big-coffee",
      10,
      [
        { field: "description", op: "contains", value: "starbucks" },
        { field: "amount", min: 10_000 },
      ],
      "acc_catering",
    ),
    rule("all-out", 99, [{ field: "direction", value: "out" }], "acc_uncategorized_expense"),
    rule("stripe-off", 1, [{ field: "description", op: "starts_with", value: "stripe" }], "acc_wrong", false),
    rule("stripe", 5, [{ field: "description", op: "starts_with", value: "stripe" }], "acc_sales"),
  ];

  const cases: [string, TxnForCategorize, string | null, string | null][] = [
    ["all conditions must match: the small coffee skips big-coffee", coffee, "acc_meals", "coffee"],
    ["lowest priority number wins", { ...coffee, amountCents: -12_000 }, "acc_catering", "big-coffee"],
    [
      "a catch-all rule catches what nothing else did",
      { ...coffee, description: "HARDWARE" },
      "acc_uncategorized_expense",
      "all-out",
    ],
    ["disabled rules are skipped", payout, "acc_sales", "stripe"],
    ["no rule matches", { ...payout, description: "INTEREST" }, null, null],
  ];
  it.each(cases)("%s", (_name, txn, accountId, ruleId) => {
    const result = evaluateRules(rules, txn);
    if (accountId === null) {
      expect(result).toBeNull();
      return;
    }
    expect(result).toEqual({ accountId, confidence: 1, source: "rule", reason: `rule "rule ${ruleId}"` });
  });

  it("breaks priority ties by rule id, whatever order the rules arrive in", () => {
    const a = rule("a", 1, [{ field: "direction", value: "out" }], "acc_a");
    const b = rule("b", 1, [{ field: "direction", value: "out" }], "acc_b");
    expect(evaluateRules([b, a], coffee)?.accountId).toBe("acc_a");
    expect(evaluateRules([a, b], coffee)?.accountId).toBe("acc_a");
  });

  it("returns null for no rules", () => {
    expect(evaluateRules([], coffee)).toBeNull();
  });
});

describe("ruleSchema", () => {
  const valid = {
    id: "r1",
    name: "Coffee",
    priority: 10,
    conditions: [{ field: "description", op: "regex", value: "star(bucks|bux)" }],
    accountId: "acc_meals",
    enabled: true,
  };

  it("accepts a well-formed rule", () => {
    expect(ruleSchema.parse(valid)).toEqual(valid);
  });

  const invalid: [string, unknown, string][] = [
    [
      "an invalid regex, with a message that says how to fix it",
      { ...valid, conditions: [{ field: "description", op: "regex", value: "star(bucks" }] },
      "is not a valid regular expression",
    ],
    ["no conditions", { ...valid, conditions: [] }, "at least one condition"],
    [
      "an amount condition without bounds",
      { ...valid, conditions: [{ field: "amount" }] },
      "needs min, max or both",
    ],
    [
      "min above max",
      { ...valid, conditions: [{ field: "amount", min: 500, max: 100 }] },
      "min must not be greater",
    ],
    ["a negative amount", { ...valid, conditions: [{ field: "amount", min: -5 }] }, ""],
    ["fractional cents", { ...valid, conditions: [{ field: "amount", max: 10.5 }] }, ""],
    ["an unknown operator", { ...valid, conditions: [{ field: "description", op: "like", value: "x" }] }, ""],
    ["an unknown field", { ...valid, conditions: [{ field: "memo", op: "contains", value: "x" }] }, ""],
    ["a bad direction", { ...valid, conditions: [{ field: "direction", value: "sideways" }] }, ""],
    ["an empty contains", { ...valid, conditions: [{ field: "payee", op: "contains", value: "" }] }, ""],
    ["a missing account", { ...valid, accountId: "" }, ""],
  ];
  it.each(invalid)("rejects %s", (_name, body, message) => {
    const result = ruleSchema.safeParse(body);
    expect(result.success).toBe(false);
    if (message) expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});
