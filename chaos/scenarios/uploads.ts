import { type BooksDb, createImport, openBooksDb } from "@ledgerflow/books";
import type { JobRecord, Queue } from "@ledgerflow/jobs";
import { type Books, createBooks } from "../lib/books-fixture.js";
import { type Child, sleep, stopChild, workerSpawner } from "../lib/processes.js";
import { createTarget, dropTarget, openBooksQueue, type Target } from "../lib/stores.js";
import { countTransactions, liveEntries } from "../lib/verify-books.js";

export interface UploadsOptions {
  store: Target["store"];
  uploads: number;
  rowsPerUpload: number;
  workers: number;
  /** Jobs each worker process runs at once: 1, so one kill interrupts at most one chunk. */
  concurrency: number;
  /** 0: no kills (the reference run). */
  killEveryMs: number;
  leaseMs: number;
  timeLimitMs: number;
  companies: number;
}

export interface UploadsReport {
  store: string;
  killEveryMs: number;
  uploads: number;
  finished: number;
  kills: number;
  chunks: number;
  /** Chunk attempts after the first (a kill or a lost lease): each ran its rows again. */
  chunkReruns: number;
  /** Rows of those chunks: the work a kill cost, against the whole file for a one-job upload. */
  rowsReprocessed: number;
  rowsReprocessedPerKill: number;
  /** Parent attempts after the first (a kill while it parsed or booked). */
  parentReruns: number;
  transactions: number;
  missingTransactions: number;
  duplicatedTransactions: number;
  /** Transactions with more than one live (not reversed) entry. */
  duplicatedEntries: number;
  /** Categorized transactions without their live entry. */
  missingEntries: number;
  /** Complete uploads whose parsed/inserted counts are not the file's. */
  wrongResults: number;
  seconds: number;
  examples: string[];
}

/**
 * A large upload with its own rows: a quarter match the company's COFFEE rule (so each of those must
 * end with exactly one live entry), the rest are rent, salary and vendors the categorizers may or may
 * not answer. Dates, descriptions and amounts are unique per row and upload.
 */
export function bigStatement(n: number, rows: number): Uint8Array {
  const lines = ["Date,Description,Amount"];
  for (let i = 0; i < rows; i++) {
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, "0");
    const kind = i % 4;
    const what =
      kind === 0 ? "COFFEE SHOP" : kind === 1 ? "RENT PAYMENT" : kind === 2 ? "SALARY ACME" : "XQJ VENDOR";
    const cents = (kind === 2 ? 1 : -1) * (100 + i + n * 7);
    lines.push(`2025-${month}-${day},${what} ${n}-${i},${(cents / 100).toFixed(2)}`);
  }
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

/**
 * Twenty 20,000-row uploads — each a flow of 2,500-row chunks — while a worker process is SIGKILLed
 * every few seconds (and replaced). Every upload must finish with the file's counts, the books must
 * hold every row once and every categorized row's entry once, and the report says how much work the
 * kills cost: the chunks (rows) run again, against the whole file a one-job upload would redo.
 */
export async function runUploads(o: UploadsOptions): Promise<UploadsReport | { skipped: string }> {
  const created = await createTarget(o.store);
  if ("skipped" in created) return created;
  const { target } = created;
  const started = Date.now();
  const deadline = started + o.timeLimitMs;
  const db = openBooksDb({ url: target.booksUrl });
  let queue: Queue | undefined;
  const workers: Child[] = [];
  let done = false;
  let killer: Promise<void> = Promise.resolve();
  try {
    queue = await openBooksQueue(target, db);
    const q = queue;
    const books = await createBooks(db, o.companies);
    const env = {
      CHAOS_TARGET: JSON.stringify(target),
      CHAOS_LEASE_MS: String(o.leaseMs),
      CHAOS_CONCURRENCY: String(o.concurrency),
    };
    const spawnWorker = workerSpawner(env, workers);
    // The files are stored before the clock of the run starts mattering: parsing is the workers' job.
    const imports = [];
    for (let n = 0; n < o.uploads; n++) {
      const companyId = books.companyIds[n % books.companyIds.length] ?? "";
      imports.push({
        companyId,
        imp: await createImport(db, books.tenantId, {
          companyId,
          filename: `big-${n}.csv`,
          content: bigStatement(n, o.rowsPerUpload),
        }),
      });
    }
    await Promise.all(Array.from({ length: o.workers }, spawnWorker));
    const t0 = Date.now();
    const parentIds: string[] = [];
    for (const { imp, companyId } of imports) {
      const { job } = await q.enqueue(
        "upload_and_categorize",
        { import_id: imp.id, company_id: companyId },
        { tenantId: books.tenantId },
      );
      parentIds.push(job.id);
    }

    let kills = 0;
    killer = (async () => {
      if (o.killEveryMs <= 0) return;
      const replacements: Promise<unknown>[] = [];
      while (!done && Date.now() < deadline) {
        await sleep(o.killEveryMs);
        const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
        const victim = alive[Math.floor(Math.random() * alive.length)];
        if (done || !victim) continue;
        victim.child.kill("SIGKILL");
        kills++;
        replacements.push(spawnWorker().catch((e) => console.error(String(e))));
      }
      await Promise.all(replacements);
    })();

    const parents = async () => Promise.all(parentIds.map((id) => q.get(books.tenantId, id)));
    let last: JobRecord[] = [];
    while (Date.now() < deadline) {
      last = await parents();
      if (last.every((j) => j.status === "complete" || j.status === "failed" || j.status === "cancelled"))
        break;
      await sleep(500);
    }
    const seconds = (Date.now() - t0) / 1000;
    done = true;
    await killer;
    await Promise.all(workers.map((w) => stopChild(w)));
    return {
      store: o.store,
      killEveryMs: o.killEveryMs,
      uploads: o.uploads,
      finished: last.filter((j) => j.status === "complete").length,
      kills,
      ...(await rerunsOf(q, books, last, kills)),
      ...(await checkBooks(db, books, last, o)),
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    done = true;
    await killer.catch(() => undefined);
    await Promise.all(workers.map((w) => stopChild(w, "SIGKILL")));
    await queue?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await dropTarget(target).catch((e) => console.error(`could not clean up ${target.dataDir}: ${e}`));
  }
}

async function rerunsOf(q: Queue, books: Books, parents: readonly JobRecord[], kills: number) {
  let chunks = 0;
  let chunkReruns = 0;
  let rowsReprocessed = 0;
  for (const parent of parents) {
    const flow = await q.flow(books.tenantId, parent.id);
    for (const listed of flow.children.jobs) {
      const child = await q.get(books.tenantId, listed.id);
      const rows = (child.input as { rows: unknown[] }).rows.length;
      chunks++;
      chunkReruns += Math.max(0, child.attempts - 1);
      rowsReprocessed += Math.max(0, child.attempts - 1) * rows;
    }
  }
  return {
    chunks,
    chunkReruns,
    rowsReprocessed,
    rowsReprocessedPerKill: kills === 0 ? 0 : Math.round(rowsReprocessed / kills),
    parentReruns: parents.reduce((n, p) => n + Math.max(0, p.attempts - 1), 0),
  };
}

async function checkBooks(db: BooksDb, books: Books, parents: readonly JobRecord[], o: UploadsOptions) {
  const examples: string[] = [];
  let wrongResults = 0;
  for (const p of parents) {
    const r = p.result as {
      parsed?: number;
      inserted?: number;
      je_created?: number;
      categorized?: number;
    } | null;
    const ok =
      p.status === "complete" &&
      r?.parsed === o.rowsPerUpload &&
      r.inserted === o.rowsPerUpload &&
      r.je_created === r.categorized;
    if (!ok) {
      wrongResults++;
      if (examples.length < 5)
        examples.push(`${p.id} ${p.status} attempts=${p.attempts} ${JSON.stringify(r ?? p.error)}`);
    }
  }
  const transactions = await countTransactions(db, books.tenantId);
  const { withEntry, duplicatedEntries } = await liveEntries(db, books.tenantId);
  const booked = await db
    .selectFrom("transactions")
    .select("id")
    .where("tenant_id", "=", books.tenantId)
    .where("status", "!=", "uncategorized")
    .execute();
  const expected = o.uploads * o.rowsPerUpload;
  return {
    transactions,
    missingTransactions: Math.max(0, expected - transactions),
    duplicatedTransactions: Math.max(0, transactions - expected),
    duplicatedEntries,
    missingEntries: booked.filter((r) => !withEntry.has(r.id)).length,
    wrongResults,
    examples,
  };
}
