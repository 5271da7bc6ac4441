import { createQueue, createWorker, type Queue, type Worker, waitForJob } from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { afterEach, expect, it } from "vitest";
import { createImport } from "../src/db/imports.js";
import { createRule } from "../src/db/rules.js";
import { listTransactions } from "../src/db/transactions.js";
import { listJournalEntries } from "../src/journal/entries.js";
import { trialBalance } from "../src/journal/trial-balance.js";
import { createBookTasks } from "../src/tasks/index.js";
import type { UploadAndCategorizeResult } from "../src/tasks/schemas.js";
import { seedCompany } from "./db.fixtures.js";
import { describeEachDialect } from "./db.support.js";
import { SAMPLE_CSV } from "./tasks.support.js";

describeEachDialect("upload_and_categorize as a flow", (ctx) => {
  let queue: Queue | null = null;
  let worker: Worker | null = null;

  afterEach(async () => {
    await worker?.stop();
    await queue?.close();
    queue = null;
    worker = null;
  });

  async function company(name: string) {
    const { db } = ctx();
    const seeded = await seedCompany(db, name);
    const { tenantId, companyId, byCode } = seeded;
    for (const [value, code] of [
      ["gusto", "6800"],
      ["github", "6500"],
      ["stripe", "4000"],
    ] as const) {
      await createRule(db, tenantId, {
        companyId,
        name: value,
        conditions: [{ field: "description", op: "contains", value }],
        accountId: byCode(code).id,
      });
    }
    return seeded;
  }

  async function upload(tenantId: string, companyId: string, uploadChunkRows: number) {
    const { db } = ctx();
    queue = createQueue({
      store: createMemoryStore(),
      tasks: createBookTasks({ db, chunkSize: 10, uploadChunkRows }).all,
    });
    await queue.init();
    worker = createWorker(queue, { concurrency: 4, pollIntervalMs: 10 });
    worker.start();
    const imp = await createImport(db, tenantId, { companyId, filename: "sample.csv", content: SAMPLE_CSV });
    const { job } = await queue.enqueue(
      "upload_and_categorize",
      { import_id: imp.id, company_id: companyId },
      {
        tenantId,
      },
    );
    const done = await waitForJob(queue, {
      tenantId,
      jobId: job.id,
      status: ["complete", "failed"],
      timeoutMs: 20_000,
    });
    return { job: done, flow: await queue.flow(tenantId, job.id) };
  }

  async function oneEntryPerBooked(tenantId: string, companyId: string) {
    const { db } = ctx();
    const { transactions } = await listTransactions(db, tenantId, { companyId, limit: 500 });
    const booked = transactions.filter((t) => t.status !== "uncategorized");
    const entries = (await listJournalEntries(db, tenantId, { companyId, limit: 500 })).entries;
    expect(new Set(entries.map((e) => e.transactionId))).toEqual(new Set(booked.map((t) => t.id)));
    expect(entries).toHaveLength(booked.length);
    expect((await trialBalance(db, tenantId, companyId)).balanced).toBe(true);
    return { transactions: transactions.length, entries: entries.length };
  }

  it("a file of more rows than a chunk runs parse → chunk children → book, with the one-job path's counts", async () => {
    const one = await company("One job");
    const inOneJob = await upload(one.tenantId, one.companyId, 2_500);
    expect(inOneJob.job.status).toBe("complete");
    expect(inOneJob.flow.children.total).toBe(0);
    await worker?.stop();
    await queue?.close();

    const flow = await company("Flow");
    const chunked = await upload(flow.tenantId, flow.companyId, 25);
    expect(chunked.job).toMatchObject({ status: "complete", progress: 100 });
    // 60 rows in slices of 25: three children, all ended, between a parse and a book step.
    expect(chunked.flow.children).toMatchObject({ total: 3, ended: 3 });
    expect(chunked.flow.children.jobs.map((c) => c.status)).toEqual(["complete", "complete", "complete"]);
    expect(chunked.flow.steps.map((s) => s.name)).toEqual(["parse", "book"]);

    const a = inOneJob.job.result as UploadAndCategorizeResult;
    const b = chunked.job.result as UploadAndCategorizeResult;
    for (const key of [
      "parsed",
      "inserted",
      "duplicates",
      "invalid",
      "errors",
      "skipped_lines",
      "sum_of_amounts",
      "llm",
    ] as const)
      expect(b[key]).toEqual(a[key]);
    expect(b).toMatchObject({ parsed: 60, inserted: 60, duplicates: 0 });
    expect(b.je_created).toBe(b.categorized);
    expect(b.high_confidence + b.needs_review).toBe(b.categorized);
    expect(b.categorized).toBeGreaterThanOrEqual(a.categorized);
    expect(await oneEntryPerBooked(flow.tenantId, flow.companyId)).toEqual({
      transactions: 60,
      entries: b.je_created,
    });
  });

  it("a chunk run again (a retry after a kill) inserts and books nothing twice", async () => {
    const { tenantId, companyId } = await company("Retried");
    const first = await upload(tenantId, companyId, 25);
    const before = await oneEntryPerBooked(tenantId, companyId);
    // Every chunk again, as the attempts after a SIGKILL would run them: the same inputs.
    const children = first.flow.children.jobs;
    for (const child of children) {
      const original = await queue?.get(tenantId, child.id);
      const { job } = await (queue as Queue).enqueue("upload_chunk", original?.input, { tenantId });
      const done = await waitForJob(queue as Queue, {
        tenantId,
        jobId: job.id,
        status: ["complete", "failed"],
      });
      expect(done.status).toBe("complete");
    }
    expect(await oneEntryPerBooked(tenantId, companyId)).toEqual(before);
  });

  it("a second upload of the same file through chunks finds only duplicates", async () => {
    const { tenantId, companyId } = await company("Twice");
    await upload(tenantId, companyId, 25);
    await worker?.stop();
    await queue?.close();
    const again = await upload(tenantId, companyId, 25);
    expect(again.job.result).toMatchObject({ parsed: 60, inserted: 0, duplicates: 60, je_created: 0 });
  });
});
