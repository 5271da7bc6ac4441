/**
 * One soak run on one store (its own process, so RSS is its own):
 *   node --import tsx soak/child.ts <sqlite|postgres> <minutes> <jobsPerSecond>
 * Prints one JSON line per minute: {"minute", "rss", "heapUsed", "handles", "done", "failed", "pending"}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createQueue, createWorker, defineTask, RetryAfterError, startSweeper } from "@ledgerflow/jobs";
import { createPostgresStore } from "@ledgerflow/jobs/postgres";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import pg from "pg";
import { z } from "zod";

const [kind = "sqlite", minutesArg = "1", rateArg = "200"] = process.argv.slice(2);
const minutes = Number(minutesArg);
const perSecond = Number(rateArg);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `lf_soak_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), "lf-soak-"));
const store =
  kind === "postgres"
    ? createPostgresStore({ connectionString: DATABASE_URL, schema })
    : createSqliteStore({ path: join(dir, "jobs.sqlite") });

let done = 0;
let failed = 0;
const input = z.object({ n: z.number(), tenant: z.string() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tasks = [
  defineTask({ name: "soak_noop", input, handler: () => null }),
  defineTask({
    name: "soak_progress",
    input,
    handler: async (ctx) => {
      for (let step = 1; step <= 5; step++) {
        await sleep(10);
        ctx.progress(step * 20, `Step ${step} of 5`);
      }
      return { steps: 5, rows: Array.from({ length: 20 }, (_, i) => i) };
    },
  }),
  defineTask({
    name: "soak_flaky",
    input,
    retries: 2,
    backoff: { baseMs: 50, maxMs: 200 },
    handler: (ctx) => {
      if (ctx.attempt === 1) throw new RetryAfterError(100, "first attempts fail");
      return null;
    },
  }),
  defineTask({
    name: "soak_limited",
    input,
    concurrency: { limit: 2 },
    rateLimit: { max: 50, perMs: 1000 },
    handler: async () => {
      await sleep(5);
      return null;
    },
  }),
];
const queue = createQueue({ store, tasks, retentionMs: 2 * 60_000 });
await queue.init();
queue.onEvent((event) => {
  if (event.kind === "completed") done += 1;
  else if (event.kind === "failed") failed += 1;
});
const worker = createWorker(queue, {
  concurrency: 20,
  schedules: false,
  logger: { info() {}, warn() {}, error() {} },
});
worker.start();
const sweeper = startSweeper(queue, { intervalMs: 10_000 });

let n = 0;
const tick = 50;
const perTick = Math.max(1, Math.round((perSecond * tick) / 1000));
const enqueuer = setInterval(() => {
  const batch = Array.from({ length: perTick }, () => ({ n: n++, tenant: `t${n % 7}` }));
  for (const item of batch) {
    const task = tasks[item.n % tasks.length] as (typeof tasks)[number];
    queue
      .enqueue(task, item, { tenantId: item.tenant, ...(item.n % 10 === 0 ? { delayMs: 200 } : {}) })
      .catch(() => undefined);
  }
}, tick);

const report = async (minute: number) => {
  const usage = process.memoryUsage();
  const stats = await queue.stats();
  console.log(
    JSON.stringify({
      minute,
      rss: usage.rss,
      heapUsed: usage.heapUsed,
      handles: process.getActiveResourcesInfo().length,
      done,
      failed,
      pending: stats.reduce((sum, s) => sum + s.pending, 0),
    }),
  );
};
await report(0);
for (let minute = 1; minute <= minutes; minute++) {
  await sleep(60_000);
  await report(minute);
}
clearInterval(enqueuer);
await worker.stop();
await sweeper.stop();
await queue.close();
rmSync(dir, { recursive: true, force: true });
if (kind === "postgres") {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}
