import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createQueue, defineTask, type JobStore } from "../src/index.js";
import { createPostgresStore } from "../src/postgres/index.js";
import { createRedisStore } from "../src/redis/index.js";
import { createSqliteStore } from "../src/sqlite/index.js";
import { LEASE_MS, LIMIT, LIMITED_TASK } from "./fixtures/limited-constants.js";
import { deleteKeys } from "./support/redis-keys.js";
import {
  POSTGRES_URL,
  pgAvailable,
  REDIS_URL,
  redisAvailable,
  unavailableReason,
  uniqueSchemaName,
} from "./support/services.js";

// Real processes, real time, a real SIGKILL: a concurrency key must hold across processes, and a
// killed worker's slots must stay taken until its leases are reclaimed.
const FIXTURE = fileURLToPath(new URL("./fixtures/limited-worker.ts", import.meta.url));
const JOBS = 60;
const KEYS = ["k1", "k2", "k3"];

interface Proc {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<unknown>;
}
const started: Proc[] = [];
afterEach(async () => {
  for (const proc of started.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGKILL");
    await proc.exited;
  }
});

function startWorker(kind: string, target: string, log: string): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, kind, target, log], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("ready")) resolve();
    });
    exited.then((code) => reject(new Error(`worker exited (${code}) before it was ready:\n${stderr}`)));
  });
  ready.catch(() => undefined);
  const proc = { child, ready, exited };
  started.push(proc);
  return proc;
}

interface Interval {
  key: string;
  start: number;
  end: number;
}

/**
 * Handler intervals from the log. A handler that never logged its end was killed: its slot stays
 * taken until the lease expires, at least 2/3 of a lease after the kill (heartbeats every third).
 */
function intervals(log: string, killedAt: number): Interval[] {
  const open = new Map<string, { key: string; start: number }>();
  const out: Interval[] = [];
  for (const line of readFileSync(log, "utf8").split("\n")) {
    const [what, key, jobId, attempt, at] = line.split(" ");
    if (what === undefined || key === undefined || at === undefined) continue;
    const id = `${jobId}#${attempt}`;
    if (what === "start") open.set(id, { key, start: Number(at) });
    else {
      const began = open.get(id);
      open.delete(id);
      if (began) out.push({ ...began, end: Number(at) });
    }
  }
  for (const began of open.values()) out.push({ ...began, end: killedAt + (2 * LEASE_MS) / 3 });
  return out;
}

function maxAtOnce(list: readonly Interval[], key: string): number {
  const points = list
    .filter((i) => i.key === key)
    .flatMap((i) => [
      [i.start, 1],
      [i.end, -1],
    ])
    .sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let now = 0;
  let max = 0;
  for (const [, delta] of points) {
    now += delta as number;
    max = Math.max(max, now);
  }
  return max;
}

interface Variant {
  kind: "sqlite" | "postgres" | "redis";
  skip?: string | undefined;
  open(): Promise<{ store: JobStore; target: string; dispose(): Promise<void> }>;
}

const pg_ = await pgAvailable();
const redis_ = await redisAvailable();
const VARIANTS: Variant[] = [
  {
    kind: "sqlite",
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "lf-mp-limits-"));
      const target = join(dir, "jobs.sqlite");
      return {
        store: createSqliteStore({ path: target }),
        target,
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    kind: "postgres",
    skip: pg_ ? undefined : unavailableReason(),
    async open() {
      const target = uniqueSchemaName();
      return {
        store: createPostgresStore({ connectionString: POSTGRES_URL, schema: target }),
        target,
        async dispose() {
          const client = new pg.Client({ connectionString: POSTGRES_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS "${target}" CASCADE`);
          await client.end();
        },
      };
    },
  },
  {
    kind: "redis",
    skip: redis_ ? undefined : unavailableReason(),
    async open() {
      const target = `lf-mp-limits-${Math.random().toString(36).slice(2, 10)}`;
      return {
        store: createRedisStore({ url: REDIS_URL, prefix: target }),
        target,
        dispose: async () => {
          const redis = new Redis(REDIS_URL);
          await deleteKeys(redis, target);
          redis.disconnect();
        },
      };
    },
  },
];

for (const variant of VARIANTS) {
  const title = variant.skip
    ? `${variant.kind}: concurrency keys across processes (skipped: ${variant.skip})`
    : `${variant.kind}: concurrency keys across processes`;
  describe.skipIf(Boolean(variant.skip))(title, () => {
    it(`three processes never run more than ${LIMIT} per key, also when one is SIGKILLed mid-run`, async () => {
      const { store, target, dispose } = await variant.open();
      const dir = mkdtempSync(join(tmpdir(), "lf-mp-limits-log-"));
      const log = join(dir, "handlers.log");
      try {
        const task = defineTask({
          name: LIMITED_TASK,
          input: z.object({ key: z.string(), n: z.number() }),
          concurrency: { limit: LIMIT, key: (input) => input.key },
          handler: () => null,
        });
        const queue = createQueue({ store, tasks: [task] });
        await queue.init();
        const workers = [0, 1, 2].map(() => startWorker(variant.kind, target, log));
        await Promise.all(workers.map((w) => w.ready));
        const jobs = await queue.enqueueMany(
          task,
          Array.from({ length: JOBS }, (_, n) => ({ key: KEYS[n % KEYS.length] as string, n })),
          { tenantId: "mp" },
        );
        const completeCount = async () => {
          let done = 0;
          for (const { job } of jobs) if ((await queue.get(null, job.id)).status === "complete") done += 1;
          return done;
        };
        const deadline = Date.now() + 60_000;
        while ((await completeCount()) < JOBS / 4) {
          if (Date.now() > deadline) throw new Error("jobs did not start");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const victim = workers[0] as Proc;
        victim.child.kill("SIGKILL");
        const killedAt = Date.now();
        await victim.exited;
        while ((await completeCount()) < JOBS) {
          if (Date.now() > deadline) throw new Error(`only ${await completeCount()} of ${JOBS} completed`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const seen = intervals(log, killedAt);
        for (const key of KEYS) expect(maxAtOnce(seen, key), `key ${key}`).toBeLessThanOrEqual(LIMIT);
        // The limit was reached, so the test measured something.
        expect(Math.max(...KEYS.map((key) => maxAtOnce(seen, key)))).toBe(LIMIT);
        await queue.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await dispose();
      }
    }, 90_000);
  });
}
