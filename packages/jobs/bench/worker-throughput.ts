/**
 * Worker throughput on each store, in one process: 50,000 no-op jobs enqueued in bulk, then drained by
 * one worker at concurrency 20; jobs/s from start() to the last completion. Rounds interleave the
 * stores so background load hits them alike; prints the median of the rounds.
 *
 *   node --import tsx packages/jobs/bench/worker-throughput.ts [memory] [sqlite] [postgres]
 *   (JOBS=50000 ROUNDS=3 CONCURRENCY=20 PG_PREFETCH=0 (the postgres store's `prefetch` option);
 *   PostgreSQL from DATABASE_URL or the local test database)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createQueue, createWorker, defineTask, type JobStore } from "../src/index.js";
import { createMemoryStore } from "../src/memory/index.js";
import { createPostgresStore } from "../src/postgres/index.js";
import { createSqliteStore } from "../src/sqlite/index.js";

const JOBS = Number(process.env.JOBS ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const PG_PREFETCH = Number(process.env.PG_PREFETCH ?? 0);
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

interface Target {
  name: string;
  open(): Promise<{ store: JobStore; dispose(): Promise<void> }>;
}

const targets: Target[] = [
  { name: "memory", open: async () => ({ store: createMemoryStore(), dispose: async () => {} }) },
  {
    name: "sqlite",
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "jobs-bench-"));
      return {
        store: createSqliteStore({ path: join(dir, "jobs.sqlite") }),
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "postgres",
    open: async () => {
      const schema = `bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      return {
        store: createPostgresStore({ connectionString: PG_URL, schema, prefetch: PG_PREFETCH }),
        dispose: async () => {
          const client = new pg.Client({ connectionString: PG_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await client.end();
        },
      };
    },
  },
];

const noop = defineTask({
  name: "noop",
  input: { "~standard": { version: 1, vendor: "bench", validate: (value: unknown) => ({ value }) } },
  retries: 0,
  handler: () => null,
});

async function round(target: Target): Promise<number> {
  const { store, dispose } = await target.open();
  const queue = createQueue({ store, tasks: [noop] });
  await queue.init();
  for (let i = 0; i < JOBS; i += 1000) {
    const inputs = Array.from({ length: Math.min(1000, JOBS - i) }, (_, n) => ({ i: i + n }));
    await queue.enqueueMany(noop, inputs, { tenantId: "bench" });
  }
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const off = queue.onEvent((event) => {
    if (event.kind === "completed" && ++done === JOBS) finished();
  });
  const worker = createWorker(queue, { concurrency: CONCURRENCY });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  worker.start();
  await all;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  cpuRates.get(target.name)?.push(JOBS / ((cpu.user + cpu.system) / 1e6));
  await worker.stop();
  off();
  const counts = await queue.counts("bench");
  if (counts.complete !== JOBS) throw new Error(`${target.name}: ${counts.complete} of ${JOBS} complete`);
  await queue.close();
  await dispose();
  return JOBS / seconds;
}

const wanted = process.argv.slice(2);
const chosen = targets.filter((t) => wanted.length === 0 || wanted.includes(t.name));
const figures = new Map<string, number[]>(chosen.map((t) => [t.name, []]));
/** Jobs per CPU-second of this process: steadier than wall time on a loaded machine (excludes the database's own CPU). */
const cpuRates = new Map<string, number[]>(chosen.map((t) => [t.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const target of chosen) {
    try {
      figures.get(target.name)?.push(await round(target));
    } catch (error) {
      console.error(`${target.name} round ${r + 1} failed: ${String(error)}`);
    }
  }
}
const median = (runs: number[]) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? Number.NaN;
const fmt = (x: number) => Math.round(x).toLocaleString("en");
for (const [name, runs] of figures) {
  const cpu = cpuRates.get(name) ?? [];
  console.log(
    `${name.padEnd(9)} median ${fmt(median(runs))} jobs/s (runs ${runs.map(fmt).join(" / ")}); ` +
      `${fmt(median(cpu))} jobs per CPU-s (runs ${cpu.map(fmt).join(" / ")})`,
  );
}
