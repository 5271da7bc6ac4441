import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask, type Queue } from "../src/index.js";
import { createSqliteStore } from "../src/sqlite/index.js";
import { createFakeClock, type FakeClock } from "../src/testing/fake-clock.js";

// The examples of docs/jobs/steps.md and docs/jobs/flows.md, as written there: each test first checks
// that the doc still holds the lines it runs, so a change to one without the other fails here.
const docs = path.join(import.meta.dirname, "../../../docs/jobs");
const doc = (name: string) => readFileSync(path.join(docs, name), "utf8");

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sqliteQueue(tasks: Parameters<typeof createQueue>[0]["tasks"], clock: FakeClock): Queue {
  const dir = mkdtempSync(path.join(tmpdir(), "lf-flows-doc-"));
  dirs.push(dir);
  return createQueue({ store: createSqliteStore({ path: path.join(dir, "jobs.db") }), tasks, clock });
}

async function runUntil(queue: Queue, clock: FakeClock, jobId: string, stepMs: number) {
  for (let i = 0; i < 200; i++) {
    const job = await queue.get("t1", jobId);
    if (job.status === "complete" || job.status === "failed") return job;
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`job ${jobId} did not finish`);
}

it("steps.md: a step runs once across attempts and a sleep frees the slot, then the job resumes", async () => {
  const text = doc("steps.md");
  for (const line of [
    'const rows = await ctx.step("parse", () => parseFile(ctx.input.fileId));',
    'await ctx.sleep("cool-down", 60_000);',
    'const booked = await ctx.step("book", () => bookRows(rows));',
    "return { parsed: rows.length, booked };",
  ])
    expect(text).toContain(line);
  const parsed: string[] = [];
  const parseFile = async (fileId: string) => {
    parsed.push(fileId);
    return ["2026-01-02,coffee,-3.50", "2026-01-03,salary,2500.00"];
  };
  const bookRows = async (rows: string[]) => rows.length;
  const importStatement = defineTask({
    name: "import_statement",
    input: z.object({ fileId: z.string() }),
    retries: 3,
    async handler(ctx) {
      const rows = await ctx.step("parse", () => parseFile(ctx.input.fileId));
      await ctx.sleep("cool-down", 60_000);
      const booked = await ctx.step("book", () => bookRows(rows));
      return { parsed: rows.length, booked };
    },
  });
  const clock = createFakeClock();
  const queue = sqliteQueue([importStatement], clock);
  await queue.init();
  const worker = createWorker(queue, { concurrency: 1, pollIntervalMs: 100 });
  worker.start();
  try {
    const { job } = await queue.enqueue(importStatement, { fileId: "f1" }, { tenantId: "t1" });
    const done = await runUntil(queue, clock, job.id, 2_000);
    expect(done).toMatchObject({ status: "complete", result: { parsed: 2, booked: 2 }, attempts: 1 });
    expect(parsed).toEqual(["f1"]);
    const info = await queue.flow("t1", job.id);
    expect(info.steps.map((s) => s.name)).toEqual(["parse", "cool-down", "book"]);
  } finally {
    const stopping = worker.stop();
    await clock.advance(60_000);
    await stopping;
    await queue.close();
  }
});

it("flows.md: a parent fans out chunks as children, waits, and books once; a batch completes once", async () => {
  const text = doc("flows.md");
  for (const line of [
    'const chunks = await ctx.step("split", () => splitInChunks(ctx.input.rows, 2));',
    'await ctx.step("fan-out", () => ctx.spawn(chunk, chunks.map((rows) => ({ rows }))));',
    "const outcomes = await ctx.waitForChildren();",
    'return await ctx.step("book", () => ({ inserted }));',
    'onComplete: { task: "batch_report", input: { note: "all chunks done" } },',
  ])
    expect(text).toContain(line);
  const splitInChunks = (rows: string[], size: number) => {
    const out: string[][] = [];
    for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
    return out;
  };
  const chunk = defineTask({
    name: "import_chunk",
    input: z.object({ rows: z.array(z.string()) }),
    handler: async ({ input }) => ({ inserted: input.rows.length }),
  });
  const upload = defineTask({
    name: "import_upload",
    input: z.object({ rows: z.array(z.string()) }),
    async handler(ctx) {
      const chunks = await ctx.step("split", () => splitInChunks(ctx.input.rows, 2));
      await ctx.step("fan-out", () =>
        ctx.spawn(
          chunk,
          chunks.map((rows) => ({ rows })),
        ),
      );
      const outcomes = await ctx.waitForChildren();
      const inserted = outcomes.reduce((n, o) => n + (o.result as { inserted: number }).inserted, 0);
      return await ctx.step("book", () => ({ inserted }));
    },
  });
  let reports = 0;
  const report = defineTask({
    name: "batch_report",
    input: z.object({ note: z.string() }),
    handler: () => {
      reports += 1;
      return null;
    },
  });
  const clock = createFakeClock();
  const queue = sqliteQueue([chunk, upload, report], clock);
  await queue.init();
  const worker = createWorker(queue, { concurrency: 2, pollIntervalMs: 100 });
  worker.start();
  try {
    const rows = ["a", "b", "c", "d", "e"];
    const { job } = await queue.enqueue(upload, { rows }, { tenantId: "t1" });
    const done = await runUntil(queue, clock, job.id, 100);
    expect(done).toMatchObject({ status: "complete", result: { inserted: 5 } });
    expect((await queue.flow("t1", job.id)).children).toMatchObject({ total: 3, ended: 3 });

    const inputs = [{ rows: ["x"] }, { rows: ["y", "z"] }];
    const { batchId, jobIds } = await queue.enqueueBatch(chunk, inputs, {
      tenantId: "t1",
      onComplete: { task: "batch_report", input: { note: "all chunks done" } },
    });
    expect(jobIds).toHaveLength(2);
    for (const id of jobIds) await runUntil(queue, clock, id, 100);
    const [reportJob] = (await queue.list({ tenantId: "t1", type: "batch_report" })).jobs;
    await runUntil(queue, clock, reportJob?.id as string, 100);
    expect(reports).toBe(1);
    expect((await queue.flow("t1", jobIds[0] as string)).batchId).toBe(batchId);
  } finally {
    const stopping = worker.stop();
    await clock.advance(60_000);
    await stopping;
    await queue.close();
  }
});
