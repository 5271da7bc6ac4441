import {
  createQueue,
  createWorker,
  type JobEvent,
  type Queue,
  RetryAfterError,
  type TaskContext,
  type Worker,
  waitForJob,
} from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { inlineFlowContext } from "@ledgerflow/jobs/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLlmCategorizer } from "../src/categorize/llm/categorizer.js";
import type { LlmConfig } from "../src/categorize/llm/config.js";
import { LlmRateLimitedError } from "../src/categorize/llm/rate-limited.js";
import type { Account, TxnForCategorize } from "../src/categorize/types.js";
import { createImport } from "../src/db/imports.js";
import { insertTransactions } from "../src/db/transactions.js";
import { createBookTasks } from "../src/tasks/index.js";
import { BOOK_TASK_RETRIES } from "../src/tasks/limits.js";
import { seedCompany } from "./db.fixtures.js";
import { createTestDb, type TestDb } from "./db.support.js";
import { type FakeLlmServer, startFakeLlmServer } from "./support/fake-llm-server.js";
import { SAMPLE_CSV } from "./tasks.support.js";

// The LLM categorizer under the engine's queue control (docs/books/categorizers.md, "Limits"), against
// a fake OpenAI-compatible endpoint on loopback that can answer 429 with Retry-After.

let server: FakeLlmServer;
let testDb: TestDb;
const running: { queue: Queue; worker: Worker }[] = [];

beforeEach(async () => {
  server = await startFakeLlmServer();
  testDb = await createTestDb("sqlite");
});
afterEach(async () => {
  for (const { worker, queue } of running.splice(0)) {
    await worker.stop();
    await queue.close();
  }
  await server.close();
  await testDb.close();
});

function llm(overrides: Partial<LlmConfig> = {}) {
  return createLlmCategorizer({
    baseURL: server.baseURL,
    apiKey: "test-key",
    model: "fake-model",
    timeoutMs: 5_000,
    backoff: { baseMs: 1, capMs: 5 },
    surfaceRateLimits: true,
    ...overrides,
  });
}

async function companyWithNewRows(name: string, descriptions: string[]) {
  const seeded = await seedCompany(testDb.db, name);
  await insertTransactions(testDb.db, seeded.tenantId, {
    companyId: seeded.companyId,
    rows: descriptions.map((description, i) => ({
      date: "2025-01-02",
      description,
      amountCents: -(1_000 + i),
      fingerprint: `${name}-${i}`,
    })),
  });
  return seeded;
}

function startEngine(tasks: ReturnType<typeof createBookTasks>) {
  const queue = createQueue({ store: createMemoryStore(), tasks: tasks.all });
  const worker = createWorker(queue, { concurrency: 4, pollIntervalMs: 20 });
  running.push({ queue, worker });
  return { queue, worker };
}

/** One attempt of a task's handler, as the worker would run attempt number `attempt`. */
async function runAttempt<I, R>(
  task: {
    input: { "~standard": { validate: (v: unknown) => unknown } };
    handler: (ctx: TaskContext<I>) => R | Promise<R>;
  },
  input: unknown,
  tenantId: string,
  attempt: number,
): Promise<R> {
  const validated = (await task.input["~standard"].validate(input)) as { value: I };
  return await task.handler({
    input: validated.value,
    ...inlineFlowContext(),
    progress: () => {},
    signal: new AbortController().signal,
    attempt,
    jobId: "job_test",
    tenantId,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  });
}

describe("the LLM categorizer with surfaceRateLimits", () => {
  const accounts: Account[] = [{ id: "acc_x", code: "6000", name: "Expenses", type: "expense" }];
  const txn = (i: number): TxnForCategorize => ({
    id: `t${i}`,
    date: "2025-01-02",
    description: `SHOP${String.fromCharCode(65 + i)} THING`,
    payee: null,
    amountCents: -100,
  });

  it("rejects at the first 429 with the provider's Retry-After, and sends no further batch", async () => {
    server.script({ status: 429, headers: { "retry-after": "7" } });
    const request = llm({ batchSize: 1, concurrency: 1 }).categorize({
      txns: [txn(0), txn(1), txn(2)],
      accounts,
    });
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmRateLimitedError);
    expect((error as LlmRateLimitedError).retryAfterMs).toBe(7_000);
    expect((error as LlmRateLimitedError).message).toContain("429");
    expect(server.requests).toHaveLength(1);
  });

  it("names its provider by the endpoint's host", () => {
    expect(llm().provider).toBe(new URL(server.baseURL).host);
    expect(createLlmCategorizer(null).provider).toBeNull();
  });
});

describe("book tasks under the engine's limits", () => {
  it("declare a per-company concurrency key, and a per-provider rate limit only when the LLM is on", async () => {
    const { tenantId, companyId } = await seedCompany(testDb.db);
    const on = createQueue({
      store: createMemoryStore(),
      tasks: createBookTasks({ db: testDb.db, llm: llm(), limits: { llmRate: { max: 5, perMs: 1_000 } } })
        .all,
    });
    expect(on.limits).toEqual({
      categorize_transactions: { concurrency: 1, rate: { max: 5, perMs: 1_000 } },
      upload_and_categorize: { concurrency: 1, rate: { max: 5, perMs: 1_000 } },
      // A large upload's chunks: one company's run in parallel, up to their own limit.
      upload_chunk: { concurrency: 4, rate: { max: 5, perMs: 1_000 } },
    });
    const job = await on.prepare("categorize_transactions", { company_id: companyId }, { tenantId });
    expect(job).toMatchObject({
      concurrencyKey: `company:${companyId}`,
      rateKey: `llm:${new URL(server.baseURL).host}`,
    });
    const upload = await on.prepare(
      "upload_and_categorize",
      { import_id: "imp_1", company_id: companyId },
      { tenantId },
    );
    expect(upload.concurrencyKey).toBe(`company:${companyId}`);
    const legacy = await on.prepare("upload_and_categorize", { import_id: "imp_2" }, { tenantId });
    expect(legacy.concurrencyKey).toBe(`tenant:${tenantId}`);

    const off = createQueue({
      store: createMemoryStore(),
      tasks: createBookTasks({ db: testDb.db, llm: null, limits: { companyConcurrency: 2 } }).all,
    });
    expect(off.limits).toEqual({
      categorize_transactions: { concurrency: 2 },
      upload_and_categorize: { concurrency: 2 },
      upload_chunk: { concurrency: 4 },
    });
    await Promise.all([on.close(), off.close()]);
  });

  it("a provider's 429 holds every job on that provider until its Retry-After, and uses no attempt of the others", async () => {
    const a = await companyWithNewRows("Alpha", ["MYSTERY SHOP ONE"]);
    const b = await companyWithNewRows("Beta", ["ODDITY STORE TWO"]);
    server.answer = (_row, ids) => ({ account_id: ids[0] ?? "none", confidence: 0.95 });
    const waitMs = 1_500;
    server.script({ status: 429, headers: { "retry-after-ms": String(waitMs) } });
    const { queue, worker } = startEngine(createBookTasks({ db: testDb.db, llm: llm() }));
    worker.start();

    const first = await queue.enqueue(
      "categorize_transactions",
      { company_id: a.companyId },
      { tenantId: a.tenantId },
    );
    // The 429 ends A's first attempt: back to pending, with the provider's wait as its delay.
    await expect
      .poll(async () => {
        const job = await queue.get(a.tenantId, first.job.id);
        return job.status === "pending" && job.attempts === 1;
      })
      .toBe(true);
    const retrying = await queue.get(a.tenantId, first.job.id);
    const limitedAt = server.requests[0]!.startedAt;
    expect(retrying.attempts).toBe(1);
    expect(retrying.runAt - limitedAt).toBeGreaterThanOrEqual(waitMs - 100);

    const second = await queue.enqueue(
      "categorize_transactions",
      { company_id: b.companyId },
      { tenantId: b.tenantId },
    );
    const [doneA, doneB] = await Promise.all([
      waitForJob(queue, { tenantId: a.tenantId, jobId: first.job.id, status: "complete" }),
      waitForJob(queue, { tenantId: b.tenantId, jobId: second.job.id, status: "complete" }),
    ]);
    // B (another tenant and company) was not started before the provider's wait was over.
    expect(doneB.startedAt! - limitedAt).toBeGreaterThanOrEqual(waitMs - 100);
    for (const later of server.requests.slice(1))
      expect(later.startedAt - limitedAt).toBeGreaterThanOrEqual(waitMs - 100);
    expect(server.requests).toHaveLength(3);
    expect(doneA).toMatchObject({ attempts: 2, result: { llm: "ok", journal_entries_created: 1 } });
    expect(doneB).toMatchObject({ attempts: 1, result: { llm: "ok", journal_entries_created: 1 } });
  });

  it("runs one company's uploads one at a time, beside another company's", async () => {
    const a = await seedCompany(testDb.db, "Alpha");
    const b = await seedCompany(testDb.db, "Beta");
    server.latencyMs = 150;
    const tasks = createBookTasks({ db: testDb.db, llm: llm() });
    const { queue, worker } = startEngine(tasks);
    const companyOf = new Map<string, string>();
    const runningNow = new Map<string, Set<string>>();
    const peak = { perCompany: new Map<string, number>(), overall: 0 };
    queue.onEvent((event: JobEvent) => {
      const company = companyOf.get(event.jobId);
      if (!company) return;
      const set = runningNow.get(company) ?? new Set<string>();
      runningNow.set(company, set);
      if (event.kind === "started") set.add(event.jobId);
      if (event.kind === "completed" || event.kind === "failed" || event.kind === "retrying")
        set.delete(event.jobId);
      peak.perCompany.set(company, Math.max(peak.perCompany.get(company) ?? 0, set.size));
      const overall = [...runningNow.values()].reduce((n, s) => n + s.size, 0);
      peak.overall = Math.max(peak.overall, overall);
    });
    const jobs = [];
    for (const [company, filename] of [
      [a, "one.csv"],
      [a, "two.csv"],
      [b, "three.csv"],
    ] as const) {
      const imp = await createImport(testDb.db, company.tenantId, {
        companyId: company.companyId,
        filename,
        content: SAMPLE_CSV,
      });
      const { job } = await queue.enqueue(
        "upload_and_categorize",
        { import_id: imp.id, company_id: company.companyId },
        { tenantId: company.tenantId },
      );
      companyOf.set(job.id, company.companyId);
      jobs.push({ job, tenantId: company.tenantId });
    }
    worker.start();
    for (const { job, tenantId } of jobs)
      await waitForJob(queue, { tenantId, jobId: job.id, status: "complete", timeoutMs: 30_000 });
    expect(peak.perCompany.get(a.companyId)).toBe(1);
    expect(peak.overall).toBe(2);
  });

  it("is refused a company_id that is not the import's, without a retry", async () => {
    const a = await seedCompany(testDb.db, "Alpha");
    const imp = await createImport(testDb.db, a.tenantId, {
      companyId: a.companyId,
      filename: "x.csv",
      content: SAMPLE_CSV,
    });
    const { uploadAndCategorize } = createBookTasks({ db: testDb.db, llm: null });
    await expect(
      runAttempt(uploadAndCategorize, { import_id: imp.id, company_id: "co_other" }, a.tenantId, 1),
    ).rejects.toThrow(`import ${imp.id} belongs to company ${a.companyId}, not co_other`);
  });

  it("a 429 on an early attempt is a RetryAfterError; on the last one the rows go to review", async () => {
    const a = await companyWithNewRows("Alpha", ["MYSTERY SHOP ONE", "ODDITY STORE TWO"]);
    const { categorizeTransactions } = createBookTasks({ db: testDb.db, llm: llm() });

    server.script({ status: 429, headers: { "retry-after": "12" } });
    const early = await runAttempt(categorizeTransactions, { company_id: a.companyId }, a.tenantId, 1).catch(
      (e: unknown) => e,
    );
    expect(early).toBeInstanceOf(RetryAfterError);
    expect((early as RetryAfterError).retryAfterMs).toBe(12_000);

    server.script({ status: 429 });
    const requestsBefore = server.requests.length;
    const last = await runAttempt(
      categorizeTransactions,
      { company_id: a.companyId },
      a.tenantId,
      BOOK_TASK_RETRIES + 1,
    );
    expect(server.requests.length - requestsBefore).toBe(1);
    // Nobody confident answered them: flagged for review (or left uncategorized), never booked as sure.
    expect(last).toMatchObject({ llm: "error", high_confidence: 0 });
    expect(last.needs_review + last.uncategorized).toBe(2);
  });
});
