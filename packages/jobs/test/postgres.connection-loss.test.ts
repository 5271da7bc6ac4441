import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask } from "../src/index.js";
import { createPostgresStore } from "../src/postgres/index.js";
import { eventually } from "./conformance/harness.js";
import { describeIfService, POSTGRES_URL, pgAvailable, uniqueSchemaName } from "./support/services.js";

const available = await pgAvailable();
const admin = available ? new pg.Pool({ connectionString: POSTGRES_URL, max: 1 }) : null;
afterAll(async () => {
  await admin?.end();
});

const JOBS = 300;
const TENANT = "tenant_a";
const silent = { info() {}, warn() {}, error() {} };

describeIfService("postgres store: connection loss", available, () => {
  it("keeps running when every connection of the store is terminated mid-run, and loses no job", async () => {
    const appName = `lf_loss_${randomBytes(4).toString("hex")}`;
    const url = new URL(POSTGRES_URL);
    url.searchParams.set("application_name", appName);
    const schema = uniqueSchemaName();
    const runs = new Map<number, number>();
    const task = defineTask({
      name: "connection_loss",
      input: z.object({ n: z.number() }),
      retries: 5,
      backoff: { baseMs: 10, maxMs: 50 },
      handler: async (ctx) => {
        runs.set(ctx.input.n, (runs.get(ctx.input.n) ?? 0) + 1);
        ctx.progress(50, "Half way");
        await new Promise((resolve) => setTimeout(resolve, 2));
        return { n: ctx.input.n };
      },
    });
    const store = createPostgresStore({ connectionString: url.toString(), schema, poolSize: 4 });
    const queue = createQueue({ store, tasks: [task] });
    const worker = createWorker(queue, {
      concurrency: 8,
      leaseMs: 2_000,
      pollIntervalMs: 20,
      logger: silent,
    });
    try {
      await queue.init();
      store.subscribe(() => {}); // so the LISTEN connection exists and is killed too
      await store.listening();
      await queue.enqueueMany(
        task,
        Array.from({ length: JOBS }, (_, n) => ({ n })),
        { tenantId: TENANT },
      );
      worker.start();
      const complete = async () => (await store.countByStatus(TENANT)).complete;

      await eventually(async () => expect(await complete()).toBeGreaterThanOrEqual(JOBS / 5), 20_000);
      const killed = await admin!.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [appName],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
      expect(await complete()).toBeLessThan(JOBS); // the kill landed mid-run

      await eventually(async () => expect(await complete()).toBe(JOBS), 30_000);
      const counts = await store.countByStatus(TENANT);
      expect(counts).toMatchObject({ complete: JOBS, failed: 0, pending: 0, running: 0 });
      expect(runs.size).toBe(JOBS);
    } finally {
      await worker.stop();
      await queue.close();
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
