import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLlmCategorizer, createLruCache, type LlmConfig } from "../src/categorize/index.js";
import type { Account, TxnForCategorize } from "../src/categorize/types.js";
import { type FakeLlmServer, startFakeLlmServer } from "./support/fake-llm-server.js";

const accounts: Account[] = [
  { id: "acc_meals", code: "6100", name: "Meals & Entertainment", type: "expense" },
  { id: "acc_software", code: "6200", name: "Software", type: "expense" },
  { id: "acc_sales", code: "4000", name: "Sales", type: "income" },
];

function txn(
  i: number,
  description = `MERCHANT${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))} STORE`,
): TxnForCategorize {
  return { id: `t${i}`, date: "2025-01-02", description, payee: null, amountCents: -1234 };
}

let server: FakeLlmServer;
beforeEach(async () => {
  server = await startFakeLlmServer();
});
afterEach(async () => {
  await server.close();
});

function categorizer(overrides: Partial<LlmConfig> = {}) {
  return createLlmCategorizer({
    baseURL: server.baseURL,
    apiKey: "test-key",
    model: "fake-model",
    timeoutMs: 2_000,
    backoff: { baseMs: 1, capMs: 5 },
    ...overrides,
  });
}

describe("LLM categorizer", () => {
  it("is disabled without a config and says so instead of failing", async () => {
    const llm = createLlmCategorizer(null);
    expect(llm.enabled).toBe(false);
    await expect(llm.categorize({ txns: [txn(1)], accounts })).resolves.toEqual({ status: "disabled" });
  });

  it("sends transactions in batches of batchSize, offering exactly the company's account ids", async () => {
    const txns = Array.from({ length: 100 }, (_, i) => txn(i));
    const result = await categorizer({ batchSize: 40 }).categorize({ txns, accounts });
    expect(server.requests.map((r) => r.rows.length).sort()).toEqual([20, 40, 40]);
    for (const r of server.requests) {
      expect(r.model).toBe("fake-model");
      expect(r.accountIds).toEqual(["acc_meals", "acc_software", "acc_sales"]);
      expect(r.refs).toEqual(r.rows.map((row) => row.ref));
    }
    expect(result).toMatchObject({ status: "ok", batches: 3 });
    if (result.status === "disabled") throw new Error("unreachable");
    expect(result.results.every((c) => c?.accountId === "acc_meals" && c.source === "llm")).toBe(true);
  });

  it("asks once per payee and gives every transaction of that payee the answer", async () => {
    const txns = [
      txn(1, "POS PURCHASE STARBUCKS #123 SEATTLE WA"),
      txn(2, "STARBUCKS 5531 BELLEVUE WA"),
      txn(3, "GITHUB INC"),
    ];
    server.answer = (row) => ({
      account_id: row.description.includes("GITHUB") ? "acc_software" : "acc_meals",
      confidence: 0.8,
    });
    const result = await categorizer().categorize({ txns, accounts });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.rows).toHaveLength(2);
    if (result.status === "disabled") throw new Error("unreachable");
    expect(result.results.map((c) => c?.accountId)).toEqual(["acc_meals", "acc_meals", "acc_software"]);
  });

  it("caches answers per tenant and payee: a second run asks nothing, another tenant asks again", async () => {
    const cache = createLruCache();
    const llm = categorizer({ cache });
    const txns = [txn(1, "DOORDASH 123"), txn(2, "ZOOM.US 888")];
    await llm.categorize({ tenantId: "ten_a", txns, accounts });
    expect(server.requests).toHaveLength(1);

    const again = await llm.categorize({
      tenantId: "ten_a",
      txns: [txn(3, "DOORDASH 987 SEATTLE WA")],
      accounts,
    });
    expect(server.requests).toHaveLength(1);
    expect(again).toMatchObject({ status: "ok", batches: 0, cacheHits: 1 });
    if (again.status === "disabled") throw new Error("unreachable");
    expect(again.results[0]).toMatchObject({ accountId: "acc_meals", source: "llm" });
    expect(again.results[0]?.reason).toContain("cached");

    await llm.categorize({ tenantId: "ten_b", txns, accounts });
    expect(server.requests).toHaveLength(2);
  });

  it("ignores a cached answer whose account no longer exists", async () => {
    const cache = createLruCache();
    const llm = categorizer({ cache });
    await llm.categorize({ tenantId: "t", txns: [txn(1, "DOORDASH")], accounts });
    const fewer = accounts.filter((a) => a.id !== "acc_meals");
    server.answer = () => ({ account_id: "acc_software", confidence: 0.7 });
    const result = await llm.categorize({ tenantId: "t", txns: [txn(1, "DOORDASH")], accounts: fewer });
    expect(server.requests).toHaveLength(2);
    if (result.status === "disabled") throw new Error("unreachable");
    expect(result.results[0]?.accountId).toBe("acc_software");
  });

  it("still answers when the cache store fails (a miss on read, skipped on write)", async () => {
    const broken = {
      get: () => Promise.reject(new Error("db down")),
      set: () => Promise.reject(new Error("db down")),
    };
    const result = await categorizer({ cache: broken }).categorize({ txns: [txn(1)], accounts });
    expect(result).toMatchObject({ status: "ok", results: [{ accountId: "acc_meals" }] });
  });

  it("retries a 429 after the server's Retry-After and then succeeds", async () => {
    server.script({ status: 429, headers: { "retry-after-ms": "80" } });
    const result = await categorizer({ backoff: { baseMs: 1, capMs: 1 } }).categorize({
      txns: [txn(1)],
      accounts,
    });
    expect(result.status).toBe("ok");
    expect(server.requests).toHaveLength(2);
    const gap = server.requests[1]!.startedAt - server.requests[0]!.startedAt;
    expect(gap).toBeGreaterThanOrEqual(75);
  });

  it("retries 500s with backoff up to maxAttempts, then reports an error and leaves the rows to review", async () => {
    server.script({ status: 500 }, { status: 502 }, { status: 503 });
    const result = await categorizer({ maxAttempts: 3 }).categorize({ txns: [txn(1), txn(2)], accounts });
    expect(server.requests).toHaveLength(3);
    expect(result).toMatchObject({ status: "error", results: [null, null] });
    if (result.status === "disabled") throw new Error("unreachable");
    expect(result.error).toContain("503");
  });

  it("succeeds when a 500 is followed by a good answer", async () => {
    server.script({ status: 500 });
    const result = await categorizer().categorize({ txns: [txn(1)], accounts });
    expect(result.status).toBe("ok");
    expect(server.requests).toHaveLength(2);
  });

  it("does not retry a rejected API key and says which variable to check", async () => {
    server.script({ status: 401, body: { error: { message: "bad key" } } });
    const result = await categorizer().categorize({ txns: [txn(1)], accounts });
    expect(server.requests).toHaveLength(1);
    expect(result).toMatchObject({ status: "error" });
    if (result.status === "disabled") throw new Error("unreachable");
    expect(result.error).toContain("LLM_API_KEY");
  });

  it("retries a malformed answer, and reports an error when every answer is malformed", async () => {
    server.script({ malformed: true });
    const once = await categorizer().categorize({ txns: [txn(1)], accounts });
    expect(once.status).toBe("ok");
    expect(server.requests).toHaveLength(2);

    server.script({ malformed: true }, { malformed: true });
    const always = await categorizer({ maxAttempts: 2 }).categorize({ txns: [txn(2)], accounts });
    expect(always).toMatchObject({ status: "error", results: [null] });
    if (always.status === "disabled") throw new Error("unreachable");
    expect(always.error).toContain("not JSON");
  });

  it("turns unknown account ids and missing rows into null for those rows only", async () => {
    server.answer = (row) => {
      if (row.description.startsWith("UNKNOWN")) return { account_id: "acc_made_up", confidence: 0.95 };
      if (row.description.startsWith("MISSING")) return null;
      return { account_id: "acc_sales", confidence: 0.6 };
    };
    const txns = [txn(1, "UNKNOWN THING"), txn(2, "MISSING THING"), txn(3, "STRIPE PAYOUT")];
    const result = await categorizer().categorize({ txns, accounts });
    expect(result).toMatchObject({ status: "ok" });
    if (result.status === "disabled") throw new Error("unreachable");
    expect(result.results.map((c) => c?.accountId ?? null)).toEqual([null, null, "acc_sales"]);
  });

  it("caps the model's confidence at maxConfidence", async () => {
    server.answer = () => ({ account_id: "acc_software", confidence: 0.99 });
    const result = await categorizer({ maxConfidence: 0.9 }).categorize({ txns: [txn(1)], accounts });
    if (result.status === "disabled") throw new Error("unreachable");
    expect(result.results[0]?.confidence).toBe(0.9);
  });

  it("keeps at most `concurrency` calls in flight", async () => {
    server.latencyMs = 40;
    const txns = Array.from({ length: 200 }, (_, i) => txn(i));
    const result = await categorizer({ batchSize: 25, concurrency: 2 }).categorize({ txns, accounts });
    expect(result).toMatchObject({ status: "ok", batches: 8 });
    expect(server.requests).toHaveLength(8);
    expect(server.maxInFlight).toBe(2);
  });

  it("times out a slow call, retries it, and reports a timeout when every attempt is too slow", async () => {
    // Generous margins: a busy CI machine must not turn a normal answer into a timeout.
    server.script({ delayMs: 5_000 });
    const recovered = await categorizer({ timeoutMs: 400 }).categorize({ txns: [txn(1)], accounts });
    expect(recovered.status).toBe("ok");
    expect(server.requests).toHaveLength(2);

    server.script({ delayMs: 1_000 }, { delayMs: 1_000 });
    const failed = await categorizer({ timeoutMs: 100, maxAttempts: 2 }).categorize({
      txns: [txn(2)],
      accounts,
    });
    expect(failed).toMatchObject({ status: "error", results: [null] });
    if (failed.status === "disabled") throw new Error("unreachable");
    expect(failed.error).toContain("timed out");
  });

  it("stops when the job is cancelled", async () => {
    server.latencyMs = 500;
    const controller = new AbortController();
    const run = categorizer().categorize({ txns: [txn(1)], accounts, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("job cancelled")), 20);
    await expect(run).rejects.toThrow("job cancelled");
  });

  it("reports progress as batches finish", async () => {
    const seen: number[] = [];
    const txns = Array.from({ length: 60 }, (_, i) => txn(i));
    await categorizer({ batchSize: 30, concurrency: 1 }).categorize({
      txns,
      accounts,
      onProgress: (done) => seen.push(done),
    });
    expect(seen).toEqual([30, 60]);
  });
});
