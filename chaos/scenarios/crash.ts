import { openBooksDb } from "@ledgerflow/books";
import type { JobRecord, Queue } from "@ledgerflow/jobs";
import { createBooks, enqueueCategorizeAll, enqueueUpload } from "../lib/books-fixture.js";
import { type Child, percentile, sleep, stopChild, workerSpawner } from "../lib/processes.js";
import { createTarget, dropTarget, openBooksQueue, type Target } from "../lib/stores.js";
import { type BooksCheck, verifyBooks } from "../lib/verify-books.js";

export interface CrashOptions {
  store: Target["store"];
  jobs: number;
  workers: number;
  killEveryMs: number;
  leaseMs: number;
  /** How long workers are killed; afterwards the survivors drain what is left (no more kills). */
  chaosMs: number;
  /** Bound on the drain. */
  drainMs: number;
  companies: number;
}

export interface CrashReport extends BooksCheck {
  store: string;
  kills: number;
  /** Jobs that were running on a killed worker, and how long until another worker had them. */
  reclaimed: number;
  reclaimP50Ms: number;
  reclaimMaxMs: number;
  /** Jobs completed per second over the whole run, kills included. */
  jobsPerSecond: number;
  /** Time from the last kill until every job was complete. */
  drainSeconds: number;
  seconds: number;
}

/**
 * Worker processes SIGKILLed every few seconds while `jobs` jobs (uploads and categorizations) run;
 * afterwards every job must be complete with the right result, and the books must hold every row
 * and every journal entry exactly once.
 */
export async function runCrash(o: CrashOptions): Promise<CrashReport | { skipped: string }> {
  const created = await createTarget(o.store);
  if ("skipped" in created) return created;
  const { target } = created;
  const started = Date.now();
  const chaosEnd = started + o.chaosMs;
  const deadline = chaosEnd + o.drainMs;
  const db = openBooksDb({ url: target.booksUrl });
  let queue: Queue | undefined;
  const workers: Child[] = [];
  let done = false;
  let background: Promise<unknown>[] = [];
  try {
    queue = await openBooksQueue(target, db);
    const q = queue;
    const books = await createBooks(db, o.companies);
    const env = { CHAOS_TARGET: JSON.stringify(target), CHAOS_LEASE_MS: String(o.leaseMs) };
    const spawnWorker = workerSpawner(env, workers);
    await Promise.all(Array.from({ length: o.workers }, spawnWorker));

    let kills = 0;
    const reclaimMs: number[] = [];
    const watched = new Map<string, { owner: string; at: number }>();
    const killer = (async () => {
      const replacements: Promise<unknown>[] = [];
      while (!done && Date.now() < chaosEnd) {
        await sleep(o.killEveryMs);
        const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
        const victim = alive[Math.floor(Math.random() * alive.length)];
        if (done || !victim || Date.now() >= chaosEnd) continue;
        const owner = `chaos_${victim.pid}`;
        const { jobs } = await q
          .list({ tenantId: books.tenantId, status: "running", limit: 500 })
          .catch(() => ({ jobs: [] as JobRecord[] }));
        victim.child.kill("SIGKILL");
        const at = Date.now();
        kills++;
        for (const j of jobs) if (j.leaseOwner === owner) watched.set(j.id, { owner, at });
        replacements.push(spawnWorker().catch((e) => console.error(String(e))));
      }
      await Promise.all(replacements);
    })();
    const watcher = (async () => {
      while (!done && Date.now() < deadline) {
        await sleep(200);
        for (const [id, w] of watched) {
          const job = await q.get(books.tenantId, id).catch(() => null);
          if (job && (job.status !== "running" || job.leaseOwner !== w.owner)) {
            reclaimMs.push(Date.now() - w.at);
            watched.delete(id);
          }
        }
      }
    })();

    background = [killer, watcher];
    const jobIds = await enqueueCategorizeAll(db, q, books);
    const uploads = o.jobs - jobIds.length;
    for (let n = 0; n < uploads && Date.now() < deadline; n++) {
      jobIds.push(await enqueueUpload(db, q, books, n));
    }
    while (Date.now() < deadline) {
      const c = await q.counts(books.tenantId);
      if (c.complete + c.failed + c.cancelled >= jobIds.length && watched.size === 0) break;
      await sleep(500);
    }
    const finishedAt = Date.now();
    done = true;
    await Promise.all([killer, watcher]);
    await Promise.all(workers.map((w) => stopChild(w)));
    const check = await verifyBooks(db, q, books, jobIds, uploads);
    // Which workers were still alive at the end: a stuck job's owner among them is a lost completion.
    check.examples.push(
      `alive at the end: ${workers
        .filter((w) => w.child.signalCode === null)
        .map((w) => `chaos_${w.pid}`)
        .join(" ")}`,
    );
    return {
      store: o.store,
      ...check,
      kills,
      reclaimed: reclaimMs.length,
      reclaimP50Ms: percentile(reclaimMs, 50),
      reclaimMaxMs: Math.max(0, ...reclaimMs),
      jobsPerSecond: Math.round((check.complete / ((finishedAt - started) / 1000)) * 10) / 10,
      drainSeconds: Math.max(0, Math.round((finishedAt - Math.min(chaosEnd, finishedAt)) / 1000)),
      seconds: Math.round((finishedAt - started) / 1000),
    };
  } finally {
    done = true;
    await Promise.allSettled(background);
    await Promise.all(workers.map((w) => stopChild(w, "SIGKILL")));
    await queue?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await dropTarget(target).catch((e) => console.error(`could not clean up ${target.dataDir}: ${e}`));
  }
}
