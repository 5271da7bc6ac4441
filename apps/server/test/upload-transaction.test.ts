import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApiToken, createCompany, createTenant } from "@ledgerflow/books";
import { createWorker } from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { waitForJob } from "@ledgerflow/jobs/testing";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  describeIfService,
  POSTGRES_URL,
  pgAvailable,
} from "../../../packages/jobs/test/support/services.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { UPLOAD_TASK } from "../src/routes/job-commands.js";
import { booksTransactionEnqueue } from "../src/runtime/books-transaction-enqueue.js";
import { openRuntime, type Runtime } from "../src/runtime/open.js";
import { csvForm } from "./support/server.js";

const SMALL_CSV = readFileSync(new URL("./fixtures/small-bank.csv", import.meta.url), "utf8");
const available = await pgAvailable();

describe("transactional enqueue is offered only when the jobs live in the books database", () => {
  it("is absent for SQLite books with a memory job store", async () => {
    const config = loadConfig({ DATABASE_URL: ":memory:", JOBS_STORE: "memory" });
    expect(await booksTransactionEnqueue(config, createMemoryStore())).toBeNull();
  });
});

describeIfService("upload on PostgreSQL: the import row and its job commit together", available, () => {
  let dbName: string;
  let dataDir: string;
  let runtime: Runtime;
  let tenant: { tenantId: string; token: string; companyId: string };

  beforeAll(async () => {
    // A database of its own: openRuntime puts the books (public schema) and the jobs there.
    dbName = `lf_upload_tx_${randomBytes(5).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${dbName}`;
    dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-upload-tx-"));
    const config = loadConfig({ DATABASE_URL: url.toString(), DATA_DIR: dataDir });
    runtime = await openRuntime(config, pino({ level: "silent" }));
    const t = await createTenant(runtime.db, { name: "Alpha" });
    const { token } = await createApiToken(runtime.db, t.id);
    const company = await createCompany(runtime.db, t.id, { name: "Alpha Ltd" });
    tenant = { tenantId: t.id, token, companyId: company.id };
  });

  afterAll(async () => {
    await runtime?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  /** A fresh app (and so a fresh per-process idempotency cache), as another server process would be. */
  const appWith = (enqueue = runtime.enqueueInBooksTransaction) =>
    createApp({
      db: runtime.db,
      queue: runtime.queue,
      logger: pino({ level: "silent" }),
      authenticate: runtime.authenticate,
      rateLimit: { burst: 1000, perSecond: 1000 },
      enqueueInBooksTransaction: enqueue,
    }).app;

  const upload = (app: ReturnType<typeof appWith>, headers: Record<string, string> = {}) =>
    app.request("/api/jobs/upload-and-categorize", {
      method: "POST",
      headers: { Authorization: `Bearer ${tenant.token}`, ...headers },
      body: csvForm(tenant.companyId, SMALL_CSV),
    });

  const importIds = async () =>
    (
      await runtime.db.selectFrom("imports").select("id").where("tenant_id", "=", tenant.tenantId).execute()
    ).map((r) => r.id);

  const uploadJobs = async () =>
    (await runtime.queue.list({ tenantId: tenant.tenantId, type: UPLOAD_TASK, limit: 100 })).jobs;

  it("the runtime offers transactional enqueue for DATABASE_URL=postgres://…", () => {
    expect(runtime.queue.store.name).toBe("postgres");
    expect(runtime.enqueueInBooksTransaction).toBeTypeOf("function");
  });

  it("commits the import row and its job together", async () => {
    const res = await upload(appWith());
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(await importIds()).toContain(body.import_id);
    const job = await runtime.queue.get(tenant.tenantId, body.job_id);
    expect(job).toMatchObject({ type: UPLOAD_TASK, status: "pending", input: { import_id: body.import_id } });
  });

  it("leaves neither row when the transaction fails after both inserts", async () => {
    const before = { imports: await importIds(), jobs: (await uploadJobs()).length };
    const crashing = appWith(async (trx, job) => {
      const inserted = await runtime.enqueueInBooksTransaction!(trx, job);
      expect(inserted.created).toBe(true);
      throw new Error("injected: the process dies between the job insert and COMMIT");
    });
    const res = await upload(crashing);
    expect(res.status).toBe(500);
    expect(await importIds()).toEqual(before.imports);
    expect(await uploadJobs()).toHaveLength(before.jobs);
  });

  it("rolls the new import back when another process already holds the Idempotency-Key", async () => {
    const key = { "Idempotency-Key": `upload-${randomBytes(4).toString("hex")}` };
    const first = await (await upload(appWith(), key)).json();
    const imports = await importIds();
    const repeat = await upload(appWith(), key);
    expect(repeat.status).toBe(202);
    expect(await repeat.json()).toMatchObject({ job_id: first.job_id, import_id: first.import_id });
    expect(await importIds()).toEqual(imports);
  });

  it("still runs an upload to complete on PostgreSQL", async () => {
    const res = await upload(appWith());
    const { job_id, import_id } = await res.json();
    const worker = createWorker(runtime.queue, { concurrency: 1, pollIntervalMs: 20 });
    worker.start();
    try {
      const done = await waitForJob(runtime.queue, {
        tenantId: tenant.tenantId,
        jobId: job_id,
        status: "complete",
      });
      expect(done.result).toMatchObject({ parsed: 8, errors: [] });
      const stored = await runtime.db
        .selectFrom("imports")
        .select("status")
        .where("id", "=", import_id)
        .executeTakeFirstOrThrow();
      expect(stored.status).toBe("done");
    } finally {
      await worker.stop();
    }
  });
});

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
