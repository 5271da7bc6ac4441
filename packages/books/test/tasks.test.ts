import { afterEach, beforeEach, expect, it } from "vitest";
import { createLlmCategorizer } from "../src/categorize/llm/categorizer.js";
import { createImport } from "../src/db/imports.js";
import { createRule } from "../src/db/rules.js";
import { insertTransactions, listTransactions } from "../src/db/transactions.js";
import { listJournalEntries } from "../src/journal/entries.js";
import { trialBalance } from "../src/journal/trial-balance.js";
import { createBookTasks } from "../src/tasks/index.js";
import { seedCompany } from "./db.fixtures.js";
import { describeEachDialect } from "./db.support.js";
import { type FakeLlmServer, startFakeLlmServer } from "./support/fake-llm-server.js";
import { runHandler, runThroughEngine, SAMPLE_CSV } from "./tasks.support.js";

describeEachDialect("book tasks", (ctx) => {
  async function companyWithRules() {
    const { db } = ctx();
    const seeded = await seedCompany(db);
    const { tenantId, companyId, byCode } = seeded;
    const rule = (name: string, value: string, code: string) =>
      createRule(db, tenantId, {
        companyId,
        name,
        conditions: [{ field: "description", op: "contains", value }],
        accountId: byCode(code).id,
      });
    await rule("payroll", "gusto", "6800");
    await rule("software", "github", "6500");
    await rule("stripe", "stripe", "4000");
    return { ...seeded, db };
  }

  async function uncategorized(tenantId: string, companyId: string, n: number) {
    await insertTransactions(ctx().db, tenantId, {
      companyId,
      rows: Array.from({ length: n }, (_, i) => ({
        date: `2025-01-${String((i % 28) + 1).padStart(2, "0")}`,
        description: i % 3 === 0 ? `GUSTO PAYROLL ${i}` : i % 3 === 1 ? `STRIPE TRANSFER ${i}` : `XQJ ${i}`,
        amountCents: i % 3 === 1 ? 10_000 + i : -(1_000 + i),
        fingerprint: `fp${i}`,
      })),
    });
  }

  it("categorize_transactions reports the seed's steps and messages", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    await uncategorized(tenantId, companyId, 25);
    const { categorizeTransactions } = createBookTasks({ db, chunkSize: 10 });
    const { result, progress } = await runHandler(
      categorizeTransactions,
      { company_id: companyId, limit: 100 },
      { tenantId },
    );
    expect(progress).toEqual([
      [10, "Fetching transactions..."],
      [20, "Categorizing transaction 1/25..."],
      [20 + (10 / 25) * 70, "Categorizing transaction 10/25..."],
      [20 + (20 / 25) * 70, "Categorizing transaction 20/25..."],
      [90, "Categorizing transaction 25/25..."],
      [95, "Committing to database..."],
      [100, "Created 17 journal entries"],
    ]);
    expect(result).toEqual({
      journal_entries_created: 17,
      high_confidence: 17,
      needs_review: 0,
      uncategorized: 8,
      llm: "disabled",
    });
  });

  /** The journal's invariant after any number of runs: one live entry per categorized transaction. */
  async function expectOneEntryPerCategorized(tenantId: string, companyId: string) {
    const { db } = ctx();
    const { transactions } = await listTransactions(db, tenantId, { companyId, limit: 500 });
    const booked = transactions.filter((t) => t.status !== "uncategorized");
    const entries = (await listJournalEntries(db, tenantId, { companyId, limit: 500 })).entries;
    expect(entries).toHaveLength(booked.length);
    expect(new Set(entries.map((e) => e.transactionId))).toEqual(new Set(booked.map((t) => t.id)));
    expect((await trialBalance(db, tenantId, companyId)).balanced).toBe(true);
    return booked.length;
  }

  it("categorize_transactions runs through the engine, books balanced entries, and re-runs never duplicate", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    await uncategorized(tenantId, companyId, 30);
    const first = await runThroughEngine(db, {
      tenantId,
      task: "categorize_transactions",
      input: { company_id: companyId, limit: 1000 },
    });
    expect(first.job).toMatchObject({ status: "complete", progress: 100 });
    expect(first.job.result).toMatchObject({
      journal_entries_created: 20,
      high_confidence: 20,
      uncategorized: 10,
    });
    expect(first.messages[0]).toBe("Fetching transactions...");
    // The second run has history to learn from (the first run's 20), so it proposes accounts for the
    // rest; a third finds nothing left to do.
    const second = await runThroughEngine(db, {
      tenantId,
      task: "categorize_transactions",
      input: { company_id: companyId, limit: 1000 },
    });
    expect(second.job.status).toBe("complete");
    const third = await runThroughEngine(db, {
      tenantId,
      task: "categorize_transactions",
      input: { company_id: companyId, limit: 1000 },
    });
    expect(third.job.result).toMatchObject({
      journal_entries_created: 0,
      high_confidence: 0,
      needs_review: 0,
    });
    expect(await expectOneEntryPerCategorized(tenantId, companyId)).toBeGreaterThanOrEqual(20);
  });

  it("a categorize job interrupted mid-way and retried never duplicates entries", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    await uncategorized(tenantId, companyId, 30);
    const { categorizeTransactions } = createBookTasks({ db, chunkSize: 10 });
    const abort = new AbortController();
    await expect(
      runHandler(
        categorizeTransactions,
        { company_id: companyId },
        {
          tenantId,
          signal: abort.signal,
          onProgress: (_p, msg) => {
            if (msg?.startsWith("Categorizing transaction 10/")) abort.abort(new Error("worker died"));
          },
        },
      ),
    ).rejects.toThrow("worker died");
    const retry = await runHandler(categorizeTransactions, { company_id: companyId }, { tenantId });
    expect(retry.result.journal_entries_created).toBeGreaterThan(0);
    expect(await expectOneEntryPerCategorized(tenantId, companyId)).toBeGreaterThanOrEqual(20);
  });

  it("two categorize runs racing on the same company book each transaction once", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    await uncategorized(tenantId, companyId, 60);
    const { categorizeTransactions } = createBookTasks({ db, chunkSize: 7 });
    const [a, b] = await Promise.all([
      runHandler(categorizeTransactions, { company_id: companyId }, { tenantId }),
      runHandler(categorizeTransactions, { company_id: companyId }, { tenantId }),
    ]);
    const booked = await expectOneEntryPerCategorized(tenantId, companyId);
    expect(a.result.journal_entries_created + b.result.journal_entries_created).toBe(booked);
  });

  it("an unknown or another tenant's company fails the job at once with a clear error", async () => {
    const { db, companyId } = await companyWithRules();
    const other = await seedCompany(db, "Other");
    const { job } = await runThroughEngine(db, {
      tenantId: other.tenantId,
      task: "categorize_transactions",
      input: { company_id: companyId, limit: 10 },
    });
    expect(job.status).toBe("failed");
    expect(job.attempts).toBe(1);
    expect(job.error?.message).toMatch(/company .* was not found/);
  });

  it("upload_and_categorize imports the sample CSV, categorizes it and books entries; re-importing inserts nothing", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    const imp = await createImport(db, tenantId, { companyId, filename: "sample.csv", content: SAMPLE_CSV });
    const { job, messages } = await runThroughEngine(db, {
      tenantId,
      task: "upload_and_categorize",
      input: { import_id: imp.id },
    });
    expect(job.status).toBe("complete");
    const result = job.result as Record<string, unknown>;
    expect(result).toMatchObject({
      parsed: 60,
      inserted: 60,
      duplicates: 0,
      invalid: 0,
      errors: [],
      llm: "disabled",
    });
    expect(result.je_created).toBe(result.categorized);
    expect(result.high_confidence).toBeGreaterThanOrEqual(9);
    expect(messages[0]).toBe("Parsing CSV...");
    expect(await expectOneEntryPerCategorized(tenantId, companyId)).toBe(result.je_created);

    const again = await createImport(db, tenantId, {
      companyId,
      filename: "sample.csv",
      content: SAMPLE_CSV,
    });
    const second = await runThroughEngine(db, {
      tenantId,
      task: "upload_and_categorize",
      input: { import_id: again.id },
    });
    expect(second.job.result).toMatchObject({ parsed: 60, inserted: 0, duplicates: 60, je_created: 0 });
    expect((await trialBalance(db, tenantId, companyId)).balanced).toBe(true);
  });

  it("upload_and_categorize reports the seed's steps and is idempotent under retry", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    const imp = await createImport(db, tenantId, { companyId, filename: "sample.csv", content: SAMPLE_CSV });
    const { uploadAndCategorize } = createBookTasks({ db, chunkSize: 10 });
    const first = await runHandler(uploadAndCategorize, { import_id: imp.id }, { tenantId });
    const steps = first.progress.filter(([pct]) => [0, 20, 30, 50, 70, 90].includes(pct));
    expect(steps).toEqual([
      [0, "Parsing CSV..."],
      [20, "Validating 60 rows..."],
      [30, "Inserting 60 transactions..."],
      [50, "Applying rules..."],
      [70, "Calling LLM... (not configured, skipped)"],
      [90, "Creating journal entries..."],
    ]);
    const percents = first.progress.map(([pct]) => pct);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(first.progress.at(-1)).toEqual([
      100,
      expect.stringMatching(/^Imported 60 transactions, created \d+ journal entries$/),
    ]);
    expect(first.progress.some(([, m]) => m?.startsWith("Applying rules 10/60"))).toBe(true);
    // A retry (say the worker died after the commit) sees the same import: nothing is inserted or
    // booked twice, and the counts describe the whole import, not only the retry's share. (It may
    // categorize more: the first attempt's rows are now history to learn from.)
    const retried = await runHandler(uploadAndCategorize, { import_id: imp.id }, { tenantId });
    expect(retried.result).toMatchObject({ parsed: 60, inserted: 60, duplicates: 0 });
    expect(retried.result.je_created).toBe(retried.result.categorized);
    const { transactions } = await listTransactions(db, tenantId, { companyId, limit: 500 });
    expect(transactions).toHaveLength(60);
    expect(await expectOneEntryPerCategorized(tenantId, companyId)).toBe(retried.result.je_created);
  });

  it("upload_and_categorize reports invalid rows with their line numbers", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    const csv =
      "Date,Description,Amount\n01/02/2025,COFFEE,-4.50\n01/03/2025,BROKEN,abc\n01/04/2025,NOTHING,0.00\n01/05/2025,GUSTO PAYROLL,-100.00\n";
    const imp = await createImport(db, tenantId, { companyId, filename: "x.csv", content: Buffer.from(csv) });
    const { uploadAndCategorize } = createBookTasks({ db });
    const { result } = await runHandler(uploadAndCategorize, { import_id: imp.id }, { tenantId });
    expect(result).toMatchObject({ parsed: 4, inserted: 2, invalid: 2, duplicates: 0 });
    expect(result.errors.map((e) => e.line)).toEqual([3, 4]);
  });

  it("another tenant's import is not found, and the job fails without retrying", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    const imp = await createImport(db, tenantId, { companyId, filename: "sample.csv", content: SAMPLE_CSV });
    const other = await seedCompany(db, "Other");
    const { job } = await runThroughEngine(db, {
      tenantId: other.tenantId,
      task: "upload_and_categorize",
      input: { import_id: imp.id },
    });
    expect(job).toMatchObject({ status: "failed", attempts: 1 });
    expect(job.error?.message).toMatch(/import .* was not found/);
    expect((await listTransactions(db, tenantId, { companyId })).transactions).toEqual([]);
  });

  it("upload_and_categorize rejects a file that is not a bank CSV without retrying", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    const imp = await createImport(db, tenantId, {
      companyId,
      filename: "x.png",
      content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
    });
    const { job } = await runThroughEngine(db, {
      tenantId,
      task: "upload_and_categorize",
      input: { import_id: imp.id },
    });
    expect(job).toMatchObject({ status: "failed", attempts: 1 });
    expect(job.error?.message.length).toBeGreaterThan(10);
  });

  it("a history import with a category column creates missing accounts and arrives categorized", async () => {
    const { db, tenantId, companyId } = await companyWithRules();
    const csv =
      "Date,Description,Amount,Category\n01/02/2025,BLUE BOTTLE,-4.50,Meals & Entertainment\n01/03/2025,FIGMA,-15.00,Design Tools\n";
    const imp = await createImport(db, tenantId, {
      companyId,
      filename: "mint.csv",
      content: Buffer.from(csv),
    });
    const { uploadAndCategorize } = createBookTasks({ db });
    const { result } = await runHandler(uploadAndCategorize, { import_id: imp.id }, { tenantId });
    expect(result).toMatchObject({ inserted: 2, categorized: 2, je_created: 2, high_confidence: 2 });
    const { transactions } = await listTransactions(db, tenantId, { companyId });
    expect(transactions.every((t) => t.source === "manual")).toBe(true);
  });
});

describeEachDialect("book tasks with an LLM", (ctx) => {
  let server: FakeLlmServer;
  beforeEach(async () => {
    server = await startFakeLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it("the LLM categorizes what rules and history could not, and the result says llm ok", async () => {
    const { db } = ctx();
    const { tenantId, companyId, byCode } = await seedCompany(db);
    server.answer = () => ({ account_id: byCode("6990").id, confidence: 0.95 });
    const llm = createLlmCategorizer({
      baseURL: server.baseURL,
      model: "fake",
      apiKey: "x",
      backoff: { baseMs: 1, capMs: 5 },
    });
    const imp = await createImport(db, tenantId, { companyId, filename: "sample.csv", content: SAMPLE_CSV });
    const { job } = await runThroughEngine(db, {
      tenantId,
      task: "upload_and_categorize",
      input: { import_id: imp.id },
      llm,
    });
    expect(job.result).toMatchObject({ inserted: 60, categorized: 60, je_created: 60, llm: "ok" });
    expect(server.requests.length).toBeGreaterThan(0);
  });

  it("an LLM that keeps failing leaves rows for review and says llm error", async () => {
    const { db } = ctx();
    const { tenantId, companyId } = await seedCompany(db);
    await insertTransactions(db, tenantId, {
      companyId,
      rows: [{ date: "2025-01-01", description: "XQJ VXQ", amountCents: -500, fingerprint: "a" }],
    });
    server.script(...Array.from({ length: 8 }, () => ({ status: 500 })));
    const llm = createLlmCategorizer({
      baseURL: server.baseURL,
      model: "fake",
      apiKey: "x",
      maxAttempts: 2,
      backoff: { baseMs: 1, capMs: 2 },
    });
    const { categorizeTransactions } = createBookTasks({ db, llm });
    const { result } = await runHandler(categorizeTransactions, { company_id: companyId }, { tenantId });
    expect(result).toMatchObject({ uncategorized: 1, journal_entries_created: 0, llm: "error" });
  });
});
