// An app that installed the three packages from their tarballs, in plain JavaScript (ES modules):
// a task of its own and the books' categorize task, both run by a worker on SQLite files, and the
// job API read through a Hono app.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createBookTasks, DEMO_TENANT_ID, migrateToLatest, openBooksDb, seedDemo } from "@ledgerflow/books";
import { createQueue, createWorker, defineTask, waitForJob } from "@ledgerflow/jobs";
import { createJobRoutes } from "@ledgerflow/jobs/http";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import { JobProgress, useJobStatus } from "@ledgerflow/jobs-react";
import { Hono } from "hono";

const dir = mkdtempSync(path.join(tmpdir(), "ledgerflow-consumer-"));
// A Standard Schema written by hand: the engine needs no zod.
const anyInput = { "~standard": { version: 1, vendor: "consumer", validate: (value) => ({ value }) } };
const double = defineTask({
  name: "double",
  input: anyInput,
  handler: async ({ input, progress }) => {
    progress(50, "Halfway");
    return { doubled: input.n * 2 };
  },
});

const db = openBooksDb({ url: path.join(dir, "books.db") });
await migrateToLatest(db);
const demo = await seedDemo(db);
const books = createBookTasks({ db });

const queue = createQueue({
  store: createSqliteStore({ path: path.join(dir, "jobs.db") }),
  tasks: [double, ...books.all],
});
await queue.init();
const worker = createWorker(queue, { concurrency: 2 });
worker.start();

const own = await queue.enqueue(double, { n: 21 }, { tenantId: "t1" });
const categorize = await queue.enqueue(
  books.categorizeTransactions,
  { company_id: demo.companyId, limit: 1000 },
  { tenantId: DEMO_TENANT_ID },
);
const ownDone = await waitForJob(queue, { tenantId: "t1", jobId: own.job.id, status: "complete" });
const booksDone = await waitForJob(queue, {
  tenantId: DEMO_TENANT_ID,
  jobId: categorize.job.id,
  status: "complete",
  timeoutMs: 60_000,
});
// The job API (its optional peers hono, @hono/zod-openapi and zod installed by the app).
const api = new Hono().route("/", createJobRoutes({ queue, resolveTenant: () => "t1" }));
const wire = await (await api.request(`/api/jobs/${own.job.id}`)).json();
await worker.stop();
await queue.close();
await db.destroy();

console.log(
  JSON.stringify({
    own: { status: ownDone.status, progress: ownDone.progress, result: ownDone.result },
    books: { status: booksDone.status, progress: booksDone.progress, result: booksDone.result },
    http: { id: wire.id === own.job.id, status: wire.status, result: wire.result },
    react: [typeof useJobStatus, typeof JobProgress],
    styles: import.meta.resolve("@ledgerflow/jobs-react/styles.css"),
  }),
);
