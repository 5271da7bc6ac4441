import { type BooksDb, openBooksDb } from "@ledgerflow/books";
import type { JobStore } from "@ledgerflow/jobs";
import { expect, it } from "vitest";
import { percentile } from "../../../../chaos/lib/processes.js";
import {
  describeIfService,
  pgAvailable,
  redisAvailable,
} from "../../../../packages/jobs/test/support/services.js";
import { loadConfig } from "../../src/config.js";
import { openJobStore } from "../../src/runtime/job-store.js";
import { createScaleBooks } from "./support/books.js";
import { type Cluster, startCluster } from "./support/cluster.js";
import { drive } from "./support/drive.js";
import { type Killer, killWorkersAtRandom } from "./support/kill-workers.js";
import { createTarget } from "./support/target.js";
import { type Tracker, trackJobs } from "./support/tracker.js";
import { healthy, verifyScaleRun } from "./support/verify.js";

const JOBS = 5_000;
const UPLOADS = 50;
/** 100 companies × 40 waiting transactions; each categorize job books at most one of them. */
const COMPANIES = 100;
const WAITING_PER_COMPANY = 40;
const KILL_EVERY_MS = 4_000;
/** Kills stop once this share of the jobs settled, so the last victims' jobs are reclaimed in time. */
const KILL_UNTIL = 0.5;
const SCENARIO_TIMEOUT_MS = 240_000;

const postgres = await pgAvailable();
const redis = postgres && (await redisAvailable());

/**
 * 2 `ledgerflow serve --no-worker` + 3 `ledgerflow worker` processes, 5,000 jobs through the HTTP
 * API (50 uploads, the rest categorizations), a random worker SIGKILLed every few seconds and
 * replaced; then every job and the books are read back.
 */
async function scaleOut(jobs: "postgres" | "redis") {
  const target = await createTarget(jobs);
  let cluster: Cluster | undefined;
  let db: BooksDb | undefined;
  let store: JobStore | undefined;
  let tracker: Tracker | undefined;
  let killer: Killer | undefined;
  try {
    cluster = await startCluster(target.env, { apis: 2, workers: 3 });
    for (const api of cluster.apis) {
      const health = (await (await fetch(`${api.url}/healthz`)).json()) as { jobs_store?: string };
      expect(health.jobs_store).toBe(jobs);
    }
    db = openBooksDb({ url: target.databaseUrl });
    // The test's own connection to the cluster's job store, opened exactly as the processes open it.
    store = await openJobStore(loadConfig(target.env));
    await store.init();
    const books = await createScaleBooks(db, cluster.tenantId, {
      categorizeCompanies: COMPANIES,
      // One company per upload: a company's earlier imports teach its history categorizer, which would
      // change what a later file books.
      uploadCompanies: UPLOADS,
      uncategorized: WAITING_PER_COMPANY,
    });
    const t = trackJobs(store, cluster.tenantId);
    tracker = t;
    killer = killWorkersAtRandom(cluster, store, t, {
      everyMs: KILL_EVERY_MS,
      // Until half are settled, and on until a kill left a job to reclaim (at most until 90 %).
      while: (orphaned) =>
        t.settledCount() < JOBS * KILL_UNTIL || (orphaned === 0 && t.settledCount() < JOBS * 0.9),
    });
    const run = await drive({
      apis: cluster.apis.map((a) => a.url),
      token: cluster.token,
      books,
      jobs: JOBS,
      uploads: UPLOADS,
      limit: 1,
      tracker: t,
    });
    await killer.stop();
    const { examples, ...check } = await verifyScaleRun(db, store, cluster.tenantId, run, books);
    console.log(
      `scale-out, jobs on ${jobs}: ${JOBS} jobs through 2 API processes in ${run.seconds.toFixed(1)} s ` +
        `(${Math.round(JOBS / run.seconds)} jobs/s overall, ${Math.round(t.rate(JOBS, 0.1, 0.9))} jobs/s from 10 % ` +
        `to 90 % settled) with 3 workers × 4 slots; ${cluster.kills} SIGKILLs, ` +
        `holding ${t.heldPerKill.join("/")} running jobs; ${t.reclaimMs.length} jobs reclaimed after p50 ${percentile(t.reclaimMs, 50)} ms, ` +
        `max ${Math.max(0, ...t.reclaimMs)} ms`,
    );
    expect({ ...check, examples }).toEqual({ ...healthy(JOBS), examples: [] });
    expect(cluster.kills).toBeGreaterThan(0);
    expect(t.reclaimMs.length).toBeGreaterThan(0);
  } finally {
    await killer?.stop();
    tracker?.close();
    await cluster?.stop();
    await store?.close();
    await db?.destroy();
    await target.drop();
  }
}

describeIfService("scale-out: 2 API + 3 worker processes, books and jobs on PostgreSQL", postgres, () => {
  it(
    "5,000 jobs through the API with workers SIGKILLed at random: every job completes, nothing is booked twice",
    () => scaleOut("postgres"),
    SCENARIO_TIMEOUT_MS,
  );
});

describeIfService("scale-out: 2 API + 3 worker processes, books on PostgreSQL, jobs on Redis", redis, () => {
  it(
    "5,000 jobs through the API with workers SIGKILLed at random: every job completes, nothing is booked twice",
    () => scaleOut("redis"),
    SCENARIO_TIMEOUT_MS,
  );
});
