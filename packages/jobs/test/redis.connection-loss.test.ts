import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask } from "../src/index.js";
import { createRedisStore } from "../src/redis/index.js";
import { eventually } from "./conformance/harness.js";
import { deleteKeys } from "./support/redis-keys.js";
import { describeIfService, REDIS_URL, redisAvailable, uniqueRedisPrefix } from "./support/services.js";

const available = await redisAvailable();
const admin = available ? new Redis(REDIS_URL) : null;
afterAll(async () => {
  await admin?.quit();
});

const JOBS = 300;
const TENANT = "tenant_a";
const silent = { info() {}, warn() {}, error() {} };

/** Kills every connection named `name` (the store's command connection and its subscriber). */
async function killConnections(name: string): Promise<number> {
  const list = (await admin!.client("LIST")) as string;
  const ids = list
    .split("\n")
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /\bid=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await admin!.client("KILL", "ID", id);
  return ids.length;
}

describeIfService("redis store: connection loss", available, () => {
  it("keeps running when the store's connections are killed mid-run, and loses no job", async () => {
    const name = `lf_loss_${randomBytes(4).toString("hex")}`;
    const prefix = uniqueRedisPrefix();
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
    const client = new Redis(REDIS_URL, { connectionName: name, enableAutoPipelining: true });
    client.on("error", () => {}); // the kill surfaces as ECONNRESET; ioredis reconnects on its own
    const store = createRedisStore({ client, prefix });
    const queue = createQueue({ store, tasks: [task] });
    const worker = createWorker(queue, {
      concurrency: 8,
      leaseMs: 2_000,
      pollIntervalMs: 20,
      logger: silent,
    });
    try {
      await queue.init();
      const seen = new Set<string>();
      store.subscribe((event) => seen.add(event.jobId)); // so the subscriber connection exists and is killed too
      await queue.enqueueMany(
        task,
        Array.from({ length: JOBS }, (_, n) => ({ n })),
        { tenantId: TENANT },
      );
      worker.start();
      const complete = async () => (await store.countByStatus(TENANT)).complete;

      await eventually(async () => expect(await complete()).toBeGreaterThanOrEqual(JOBS / 5), 20_000);
      expect(await killConnections(name)).toBe(2);
      expect(await complete()).toBeLessThan(JOBS); // the kill landed mid-run

      await eventually(async () => expect(await complete()).toBe(JOBS), 30_000);
      expect(await store.countByStatus(TENANT)).toMatchObject({
        complete: JOBS,
        failed: 0,
        pending: 0,
        running: 0,
      });
      expect(runs.size).toBe(JOBS);
      // The subscriber resubscribed: events of jobs finished after the kill arrived too.
      const { job } = await queue.enqueue(task, { n: JOBS }, { tenantId: TENANT });
      await eventually(() => expect(seen.has(job.id)).toBe(true), 10_000);
    } finally {
      await worker.stop();
      await queue.close();
      await deleteKeys(admin!, prefix);
      client.disconnect();
    }
  });
});
