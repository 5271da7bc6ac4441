import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Account,
  categorizeBatch,
  createHistoryModel,
  createLlmCategorizer,
  type HistoryModel,
  type Rule,
  type TxnForCategorize,
} from "../src/categorize/index.js";
import { type FakeLlmServer, startFakeLlmServer } from "./support/fake-llm-server.js";

const accounts: Account[] = [
  { id: "meals", code: "6100", name: "Meals", type: "expense" },
  { id: "software", code: "6200", name: "Software", type: "expense" },
  { id: "sales", code: "4000", name: "Sales", type: "income" },
  { id: "office", code: "6300", name: "Office", type: "expense" },
];

let seq = 0;
const txn = (description: string, amountCents = -2500): TxnForCategorize => ({
  id: `t${seq++}`,
  date: "2025-02-01",
  description,
  payee: null,
  amountCents,
});

const stripeRule: Rule = {
  id: "r1",
  name: "Stripe payouts",
  priority: 1,
  conditions: [
    { field: "description", op: "starts_with", value: "stripe" },
    { field: "direction", value: "in" },
  ],
  accountId: "sales",
  enabled: true,
};

/** A history that knows coffee and GitHub well, from enough examples to be calibrated confident. */
function trainedHistory(): HistoryModel {
  const model = createHistoryModel();
  for (let i = 0; i < 60; i++) {
    model.learn(txn(`STARBUCKS #${i} SEATTLE WA`, -500 - i), "meals");
    model.learn(txn(`GITHUB INC ${i}`, -2100), "software");
    model.learn(txn(`STAPLES ${i}`, -3000 - i), "office");
  }
  return model;
}

let server: FakeLlmServer;
beforeEach(async () => {
  server = await startFakeLlmServer();
});
afterEach(async () => {
  await server.close();
});

const llmOn = () =>
  createLlmCategorizer({
    baseURL: server.baseURL,
    apiKey: "k",
    model: "m",
    backoff: { baseMs: 1, capMs: 1 },
  });

describe("categorizeBatch", () => {
  it("runs rules, then history, and sends only the leftovers to the LLM", async () => {
    server.answer = () => ({ account_id: "office", confidence: 0.85 });
    const txns = [
      txn("STRIPE TRANSFER ST-1", 90_000),
      txn("STARBUCKS #77 SEATTLE WA", -650),
      txn("GITHUB INC 99", -2100),
      txn("ZZYZX TRADING POST", -1800),
    ];
    const { results, counts } = await categorizeBatch({
      txns,
      rules: [stripeRule],
      history: trainedHistory(),
      llm: llmOn(),
      accounts,
    });
    expect(results.map((r) => r?.source)).toEqual(["rule", "history", "history", "llm"]);
    expect(results.map((r) => r?.accountId)).toEqual(["sales", "meals", "software", "office"]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.rows.map((r) => r.description)).toEqual(["ZZYZX TRADING POST"]);
    expect(counts).toEqual({
      byRule: 1,
      byPrior: 0,
      byHistory: 2,
      byLlm: 1,
      highConfidence: 4,
      needsReview: 0,
      uncategorized: 0,
      llm: "ok",
    });
  });

  it("says llm: disabled and leaves what nobody knows uncategorized when the LLM is off", async () => {
    const { results, counts } = await categorizeBatch({
      txns: [txn("STRIPE PAYOUT", 5000), txn("UNHEARD OF")],
      rules: [stripeRule],
      history: null,
      llm: createLlmCategorizer(null),
      accounts,
    });
    expect(results[1]).toBeNull();
    expect(counts).toMatchObject({ byRule: 1, uncategorized: 1, highConfidence: 1, llm: "disabled" });
  });

  it("flags a low-confidence answer for review, and keeps the more confident of history and LLM", async () => {
    server.answer = (row) =>
      row.description.includes("MYSTERY")
        ? { account_id: "software", confidence: 0.75 }
        : { account_id: "office", confidence: 0.3 };
    const history = createHistoryModel();
    // One example: the history guesses, but its calibration has no outcomes yet, so it says 0.7 at most.
    history.learn(txn("CORNER STORE A"), "meals");
    const { results, counts } = await categorizeBatch({
      txns: [txn("MYSTERY VENDOR"), txn("CORNER STORE B")],
      rules: [],
      history,
      llm: llmOn(),
      accounts,
    });
    expect(results.map((r) => r?.accountId)).toEqual(["software", "meals"]);
    expect(results.map((r) => r?.source)).toEqual(["llm", "history"]);
    expect(counts).toMatchObject({ needsReview: 2, highConfidence: 0, byLlm: 1, byHistory: 1, llm: "ok" });
  });

  it("reports llm: error with the reason and still returns the other categorizers' answers", async () => {
    server.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const { results, counts } = await categorizeBatch({
      txns: [txn("STRIPE PAYOUT", 5000), txn("UNKNOWN SHOP")],
      rules: [stripeRule],
      history: null,
      llm: llmOn(),
      accounts,
    });
    expect(results[0]?.accountId).toBe("sales");
    expect(results[1]).toBeNull();
    expect(counts.llm).toBe("error");
    expect(counts.llmError).toContain("500");
    expect(counts.uncategorized).toBe(1);
  });

  it("ignores rules whose account is not in the chart", async () => {
    const { results } = await categorizeBatch({
      txns: [txn("STRIPE PAYOUT", 5000)],
      rules: [{ ...stripeRule, accountId: "deleted_account" }],
      history: null,
      llm: createLlmCategorizer(null),
      accounts,
    });
    expect(results[0]).toBeNull();
  });

  it("does not call the LLM when nothing is left over", async () => {
    const { counts } = await categorizeBatch({
      txns: [txn("STRIPE PAYOUT", 5000)],
      rules: [stripeRule],
      history: null,
      llm: llmOn(),
      accounts,
    });
    expect(server.requests).toHaveLength(0);
    expect(counts.llm).toBe("ok");
  });

  it("reports progress through the three stages, ending at total", async () => {
    const seen: string[] = [];
    await categorizeBatch({
      txns: [txn("STRIPE PAYOUT", 5000), txn("NEW THING")],
      rules: [stripeRule],
      history: null,
      llm: llmOn(),
      accounts,
      onProgress: (p) => seen.push(`${p.stage} ${p.done}/${p.total}`),
    });
    expect(seen).toEqual(["rules 2/2", "history 2/2", "llm 2/2", "llm 2/2"]);
  });

  it("stops at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("job cancelled"));
    await expect(
      categorizeBatch({
        txns: [txn("X")],
        rules: [],
        history: null,
        llm: llmOn(),
        accounts,
        signal: controller.signal,
      }),
    ).rejects.toThrow("job cancelled");
  });
});
