import {
  type BooksDb,
  createApiToken,
  createCompany,
  createTenant,
  insertTransactions,
  migrateToLatest,
  openBooksDb,
  verifyApiToken,
} from "@ledgerflow/books";
import { type AnyTask, createQueue, createWorker, type Queue, type Worker } from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import pino from "pino";
import { type AppOptions, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { loadBookTasks } from "../../src/domain/book-tasks.js";
import { cachedAuthenticate } from "../../src/middleware/auth.js";

export interface TestTenant {
  tenantId: string;
  token: string;
  companyId: string;
}

export interface TestServer {
  app: ReturnType<typeof createApp>["app"];
  db: BooksDb;
  queue: Queue;
  /** Two tenants, each with a token and a company: isolation tests use one's ids with the other's token. */
  a: TestTenant;
  b: TestTenant;
  /** A request with the tenant's bearer token; a JSON `body` object is sent as JSON. */
  call(tenant: TestTenant | null, path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  startWorker(): Worker;
  close(): Promise<void>;
}

/**
 * The real app around a throwaway SQLite books database (`:memory:`) and a memory job store, with
 * the real book tasks unless others are given. Nothing listens on a port: tests use `app.request()`.
 */
export async function createTestServer(
  options: {
    tasks?: AnyTask[];
    /** Wrap the token check in the server's auth cache (as `openRuntime` does), which turns on the status poll's lean path. */
    cachedAuth?: boolean;
  } & Partial<Pick<AppOptions, "uploadMaxBytes" | "rateLimit" | "sseHeartbeatMs">> = {},
): Promise<TestServer> {
  const db = openBooksDb({ url: ":memory:" });
  await migrateToLatest(db);
  const tasks = options.tasks ?? loadBookTasks(db, loadConfig({}));
  const queue = createQueue({ store: createMemoryStore(), tasks });
  await queue.init();
  const tenant = async (name: string): Promise<TestTenant> => {
    const t = await createTenant(db, { name });
    const { token } = await createApiToken(db, t.id);
    const company = await createCompany(db, t.id, { name: `${name} Ltd` });
    return { tenantId: t.id, token, companyId: company.id };
  };
  const a = await tenant("Alpha");
  const b = await tenant("Beta");
  const { app } = createApp({
    db,
    queue,
    logger: pino({ level: "silent" }),
    authenticate: options.cachedAuth
      ? cachedAuthenticate((token) => verifyApiToken(db, token))
      : (token) => verifyApiToken(db, token),
    rateLimit: options.rateLimit ?? { burst: 1000, perSecond: 1000 },
    ...(options.uploadMaxBytes ? { uploadMaxBytes: options.uploadMaxBytes } : {}),
    ...(options.sseHeartbeatMs ? { sseHeartbeatMs: options.sseHeartbeatMs } : {}),
  });
  const workers: Worker[] = [];
  return {
    app,
    db,
    queue,
    a,
    b,
    async call(tenant, path, init = {}) {
      const headers = new Headers(init.headers);
      if (tenant) headers.set("Authorization", `Bearer ${tenant.token}`);
      const { json, ...rest } = init;
      if (json !== undefined) headers.set("Content-Type", "application/json");
      return app.request(path, {
        ...rest,
        headers,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
    startWorker() {
      const worker = createWorker(queue, { concurrency: 2, pollIntervalMs: 10, shutdownGraceMs: 2000 });
      worker.start();
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await queue.close();
      await db.destroy();
    },
  };
}

/** Adds uncategorized transactions to a company; returns their ids. */
export async function addTransactions(
  server: TestServer,
  tenant: TestTenant,
  count: number,
): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => ({
    date: `2026-01-${String((i % 28) + 1).padStart(2, "0")}`,
    description: `COFFEE SHOP ${i}`,
    amountCents: -(350 + i),
    fingerprint: `fp-${tenant.tenantId}-${i}-${Math.random()}`,
  }));
  await insertTransactions(server.db, tenant.tenantId, { companyId: tenant.companyId, rows });
  const ids = await server.db
    .selectFrom("transactions")
    .select("id")
    .where("tenant_id", "=", tenant.tenantId)
    .execute();
  return ids.map((r) => r.id);
}

/** A small bank CSV in memory, as a browser would upload it. */
export function csvForm(companyId: string, csv: string, filename = "statement.csv"): FormData {
  const form = new FormData();
  form.set("company_id", companyId);
  form.set("file", new File([csv], filename, { type: "text/csv" }));
  return form;
}
