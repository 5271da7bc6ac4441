import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, expect, it } from "vitest";
import { z } from "zod";
import {
  createQueue,
  createWorker,
  defineTask,
  type JobStore,
  type Queue,
  type Worker,
} from "../src/index.js";
import { createPostgresStore, type PostgresJobStore } from "../src/postgres/index.js";
import { createRedisStore, type RedisJobStore } from "../src/redis/index.js";
import { silentLogger } from "./conformance/engine-harness.js";
import { deleteKeys } from "./support/redis-keys.js";
import {
  describeIfService,
  POSTGRES_URL,
  pgAvailable,
  REDIS_URL,
  redisAvailable,
  uniqueRedisPrefix,
  uniqueSchemaName,
} from "./support/services.js";

/*
 * A parent woken across processes: two store instances on one database stand for two processes. The
 * parent's worker (process A) polls only every 10 s; its only child runs and ends in process B, whose
 * queue knows only the child task. The wake B makes when the child ends must reach A's worker through
 * the store's cross-process signal (PostgreSQL NOTIFY, Redis pub/sub), as an enqueue does: the parent
 * completes within about a second, not at A's next poll.
 */

const POLL_MS = 10_000;
const PROMPT_MS = 1_500;

const pgUp = await pgAvailable();
const redisUp = await redisAvailable();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const pgAdmin = pgUp ? new pg.Pool({ connectionString: POSTGRES_URL, max: 1 }) : null;
const redisAdmin = redisUp ? new Redis(REDIS_URL, { lazyConnect: true }) : null;
afterAll(async () => {
  await pgAdmin?.end();
  await redisAdmin?.quit();
});

interface Deferred {
  promise: Promise<void>;
  open(): void;
}

function deferred(): Deferred {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function parentWokenAcrossProcesses(storeA: JobStore, storeB: JobStore): Promise<number> {
  const input = z.object({ n: z.number() });
  const childStarted = deferred();
  const childMayEnd = deferred();
  const child = defineTask({
    name: "wake_child",
    input,
    retries: 0,
    handler: async (ctx) => {
      childStarted.open();
      await childMayEnd.promise;
      return ctx.input.n * 2;
    },
  });
  // Process A registers the child only to spawn it: its worker (concurrency 1, busy with the parent
  // until B runs the child) never claims it; should it, the child fails and so does the test.
  const childInA = defineTask({
    name: "wake_child",
    input,
    retries: 0,
    handler: () => {
      throw new Error("the child ran in process A; this test needs it to end in process B");
    },
  });
  const parent = defineTask({
    name: "wake_parent",
    input,
    retries: 0,
    handler: async (ctx) => {
      await ctx.step("spawn", async () => (await ctx.spawn(childInA, [{ n: 21 }])).jobIds);
      // Suspend only once process B runs the child, so A's freed slot finds nothing to claim.
      await childStarted.promise;
      const [outcome] = await ctx.waitForChildren();
      return outcome?.result ?? null;
    },
  });
  const queueA = createQueue({ store: storeA, tasks: [parent, childInA] });
  const queueB = createQueue({ store: storeB, tasks: [child] });
  await queueA.init();
  await queueB.init();
  const workers: Worker[] = [];
  cleanups.push(async () => {
    childMayEnd.open();
    childStarted.open();
    await Promise.all(workers.map((w) => w.stop()));
    await queueA.close();
    await queueB.close();
  });
  const start = (queue: Queue, pollIntervalMs: number) => {
    const worker = createWorker(queue, {
      concurrency: 1,
      pollIntervalMs,
      leaseMs: 60_000,
      shutdownGraceMs: 100,
      logger: silentLogger,
    });
    workers.push(worker);
    worker.start();
  };
  start(queueB, 50);
  start(queueA, POLL_MS);
  const { job } = await queueA.enqueue(parent, { n: 0 }, { tenantId: "wake" });
  await until(
    async () => ((await queueA.get("wake", job.id)).status === "running" ? true : undefined),
    5_000,
    "the parent to start in process A",
  );
  await childStarted.promise;
  await until(
    async () => {
      const p = await queueA.get("wake", job.id);
      return p.status === "pending" && p.runAt > Date.now() + 60_000 ? true : undefined;
    },
    5_000,
    "the parent to wait for its child",
  );
  // A's worker claimed once more when the parent gave its slot back; let it settle into its poll.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const ended = Date.now();
  childMayEnd.open();
  const done = await until(
    async () => {
      const p = await queueA.get("wake", job.id);
      return p.status === "complete" || p.status === "failed" ? p : undefined;
    },
    POLL_MS * 2,
    "the parent to end",
  );
  expect(done).toMatchObject({ status: "complete", result: 42, attempts: 1 });
  return Date.now() - ended;
}

describeIfService("flows: a parent woken from another process (PostgreSQL)", pgUp, () => {
  it("completes within about a second of its last child ending in the other process, not at its 10 s poll", {
    timeout: 30_000,
  }, async () => {
    const schema = uniqueSchemaName();
    const open = () => createPostgresStore({ connectionString: POSTGRES_URL, schema, poolSize: 3 });
    const storeA = open();
    const storeB = open();
    cleanups.push(async () => {
      await pgAdmin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });
    await storeA.init();
    await storeA.listening();
    expect(await parentWokenAcrossProcesses(storeA, storeB as PostgresJobStore)).toBeLessThan(PROMPT_MS);
  });
});

describeIfService("flows: a parent woken from another process (Redis)", redisUp, () => {
  it("completes within about a second of its last child ending in the other process, not at its 10 s poll", {
    timeout: 30_000,
  }, async () => {
    const prefix = uniqueRedisPrefix();
    const storeA = createRedisStore({ url: REDIS_URL, prefix });
    const storeB = createRedisStore({ url: REDIS_URL, prefix });
    cleanups.push(async () => {
      if (redisAdmin) await deleteKeys(redisAdmin, (storeA as RedisJobStore).prefix);
    });
    expect(await parentWokenAcrossProcesses(storeA, storeB)).toBeLessThan(PROMPT_MS);
  });
});
