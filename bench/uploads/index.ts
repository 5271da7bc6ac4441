/**
 * `npm run bench -- uploads [postgres|redis] [1|2|4]`: one 100,000-row upload (a flow of 40 chunks of
 * 2,500 rows) on the books in PostgreSQL, with the jobs on PostgreSQL or on Redis, drained by 1, 2 and
 * 4 worker processes of `UPLOAD_SLOTS` (default 2) slots each. Reports the wall time from enqueue to
 * the parent's completion and the speed-up over one process; medians of BENCH_REPEAT runs (default 3).
 * Issue 12's goal: ≥ 1.7× with 2 processes on a 2-core machine.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { createImport, openBooksDb, seedDemo } from "@ledgerflow/books";
import { waitForJob } from "@ledgerflow/jobs";
import { type Child, startNode, stopChild } from "../../chaos/lib/processes.js";
import { createTarget, dropTarget, openBooksQueue, type Target } from "../../chaos/lib/stores.js";
import { generateBankCsv } from "../../packages/books/bench/generate.js";

const ROWS = Number(process.env.UPLOAD_ROWS ?? 100_000);
const SLOTS = Number(process.env.UPLOAD_SLOTS ?? 2);
const PROCESSES = [1, 2, 4];

interface Run {
  seconds: number;
  /** Where the wall time went: the parse step, the chunks' span, the book step; a chunk's median. */
  parseS: number;
  chunksS: number;
  bookS: number;
  chunkS: number;
  /** Chunk attempts after the first: 0 in a healthy run (a rerun means a lease lapsed). */
  reruns: number;
  chunks: number;
  result: Record<string, unknown>;
}

/** Books on a fresh PostgreSQL database; jobs there too, or under a fresh Redis prefix. */
async function target(jobs: "postgres" | "redis"): Promise<Target | string> {
  const pg = await createTarget("postgres");
  if ("skipped" in pg) return pg.skipped;
  if (jobs === "postgres") return pg.target;
  const redis = await createTarget("redis");
  if ("skipped" in redis) {
    await dropTarget(pg.target);
    return redis.skipped;
  }
  return { ...redis.target, booksUrl: pg.target.booksUrl };
}

async function drop(t: Target): Promise<void> {
  await dropTarget(t);
  // A Redis target's books live in PostgreSQL too.
  if (t.store === "redis") await dropTarget({ store: "postgres", dataDir: t.dataDir, booksUrl: t.booksUrl });
}

async function runOnce(jobs: "postgres" | "redis", processes: number, csv: Buffer): Promise<Run | string> {
  const t = await target(jobs);
  if (typeof t === "string") return t;
  const db = openBooksDb({ url: t.booksUrl });
  const workers: Child[] = [];
  try {
    const queue = await openBooksQueue(t, db, { uploadChunkConcurrency: processes * SLOTS });
    const { tenantId, companyId } = await seedDemo(db);
    try {
      const env = {
        CHAOS_TARGET: JSON.stringify(t),
        CHAOS_CONCURRENCY: String(SLOTS),
        CHAOS_LEASE_MS: "30000",
        CHAOS_CHUNK_CONCURRENCY: String(processes * SLOTS),
      };
      workers.push(
        ...(await Promise.all(
          Array.from({ length: processes }, () => startNode("chaos/worker-process.ts", [], env, /"ready"/)),
        )),
      );
      const imp = await createImport(db, tenantId, { companyId, filename: "big.csv", content: csv });
      const started = performance.now();
      const { job } = await queue.enqueue(
        "upload_and_categorize",
        { import_id: imp.id, company_id: companyId },
        { tenantId },
      );
      const done = await waitForJob(queue, {
        tenantId,
        jobId: job.id,
        status: ["complete", "failed"],
        timeoutMs: 600_000,
      });
      const seconds = (performance.now() - started) / 1000;
      if (done.status !== "complete") return `the upload ${done.status}: ${JSON.stringify(done.error)}`;
      const flow = await queue.flow(tenantId, job.id);
      const stepS = (name: string) => (flow.steps.find((s) => s.name === name)?.durationMs ?? 0) / 1000;
      const children = await Promise.all(flow.children.jobs.map((c) => queue.get(tenantId, c.id)));
      const starts = children.map((c) => c.startedAt ?? 0);
      const ends = children.map((c) => c.finishedAt ?? 0);
      return {
        seconds,
        parseS: stepS("parse"),
        chunksS: (Math.max(...ends) - Math.min(...starts)) / 1000,
        bookS: stepS("book"),
        chunkS: median(children.map((c) => ((c.finishedAt ?? 0) - (c.startedAt ?? 0)) / 1000)),
        reruns: children.reduce((n, c) => n + Math.max(0, c.attempts - 1), 0),
        chunks: flow.children.total,
        result: done.result as Record<string, unknown>,
      };
    } finally {
      await Promise.all(workers.map((w) => stopChild(w)));
      await queue.close();
    }
  } finally {
    await db.destroy().catch(() => undefined);
    await drop(t).catch((e) => console.error(`could not clean up: ${e}`));
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export async function runUploadsBench(filters: readonly string[] = []): Promise<void> {
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
  const named = filters.filter((f) => !/^\d+$/.test(f));
  const stores = (["postgres", "redis"] as const).filter((s) => named.length === 0 || named.includes(s));
  const counts = PROCESSES.filter(
    (p) => !filters.some((f) => /^\d+$/.test(f)) || filters.includes(String(p)),
  );
  const csv = generateBankCsv(ROWS, 42);
  console.log(
    `uploads: one ${ROWS.toLocaleString("en-US")}-row upload, books on PostgreSQL, ${SLOTS} slots per worker process, ${repeat} run(s), rounds interleaved; load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const times = new Map<string, number[]>();
  const last = new Map<string, Run>();
  for (let round = 0; round < repeat; round++) {
    for (const store of stores) {
      for (const processes of counts) {
        const run = await runOnce(store, processes, csv);
        if (typeof run === "string") {
          if (process.env.CI === "true") throw new Error(`uploads ${store}: ${run}`);
          console.log(`skipped jobs on ${store}: ${run}`);
          continue;
        }
        const key = `${store} ${processes}`;
        times.set(key, [...(times.get(key) ?? []), run.seconds]);
        last.set(key, run);
        console.log(
          `run ${round + 1} jobs on ${store}, ${processes} process(es): ${run.seconds.toFixed(2)} s (parse ${run.parseS.toFixed(1)} s, chunks ${run.chunksS.toFixed(1)} s, a chunk ${run.chunkS.toFixed(2)} s, book ${run.bookS.toFixed(1)} s), ${run.chunks} chunks, ${run.reruns} reruns`,
        );
      }
    }
  }
  console.log(`\nload average (1 min) after ${loadavg()[0]?.toFixed(2)}\n`);
  console.log(
    "| jobs on | worker processes | wall (s, median) | runs (s) | speed-up vs 1 | parse step (s) | chunks' span (s) | one chunk (s) | book step (s) | chunks | inserted | je_created |",
  );
  console.log("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const store of stores) {
    const one = median(times.get(`${store} 1`) ?? []);
    for (const processes of counts) {
      const runs = times.get(`${store} ${processes}`);
      if (!runs) continue;
      const med = median(runs);
      const r = last.get(`${store} ${processes}`);
      console.log(
        `| ${store} | ${processes} | ${med.toFixed(2)} | ${runs.map((s) => s.toFixed(1)).join(" / ")} | ${one > 0 ? `${(one / med).toFixed(2)}×` : "—"} | ${r?.parseS.toFixed(1)} | ${r?.chunksS.toFixed(1)} | ${r?.chunkS.toFixed(2)} | ${r?.bookS.toFixed(1)} | ${r?.chunks} | ${r?.result.inserted} | ${r?.result.je_created} |`,
      );
    }
  }
}
