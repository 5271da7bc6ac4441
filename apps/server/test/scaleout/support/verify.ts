import type { BooksDb } from "@ledgerflow/books";
import type { JobStore } from "@ledgerflow/jobs";
import { sql } from "kysely";
import { type ScaleBooks, UPLOAD_ROWS, UPLOAD_RULE_ROWS } from "./books.js";
import type { DriveResult } from "./drive.js";

/** Everything that can go wrong, counted; a healthy run is all zeros (see {@link HEALTHY}). */
export interface ScaleCheck {
  /** Jobs created through the API that are not complete (lost, stuck, failed or cancelled). */
  notComplete: number;
  /** Distinct ids among the jobs created (5,000 requests must make 5,000 jobs). */
  distinctJobs: number;
  /** Job ids one API handed out for two different requests. */
  reusedIds: number;
  /** Transactions with more than one journal entry (a handler's writes applied twice). */
  transactionsWithSeveralEntries: number;
  /** COFFEE transactions (the rule's) without their journal entry. */
  transactionsWithoutEntry: number;
  /** (company, fingerprint) pairs held by more than one transaction. */
  duplicateFingerprints: number;
  /** Transactions beyond or short of what the fixture and the statements hold. */
  transactionsOff: number;
  /** Uploads whose result (as the API serves it) disagrees with the file. */
  wrongUploadResults: number;
  examples: string[];
}

export const healthy = (jobs: number): Omit<ScaleCheck, "examples"> => ({
  notComplete: 0,
  distinctJobs: jobs,
  reusedIds: 0,
  transactionsWithSeveralEntries: 0,
  transactionsWithoutEntry: 0,
  duplicateFingerprints: 0,
  transactionsOff: 0,
  wrongUploadResults: 0,
});

/** Reads every job and the books back. */
export async function verifyScaleRun(
  db: BooksDb,
  store: JobStore,
  tenantId: string,
  run: DriveResult,
  books: ScaleBooks,
): Promise<ScaleCheck> {
  // Only this run's companies: the demo company the server seeds has books of its own.
  const companies = [...books.categorizeCompanies, ...books.uploadCompanies];
  const examples: string[] = [];
  const ids = [...run.categorizeJobs, ...run.uploads.map((u) => u.jobId)];
  let notComplete = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const jobs = await Promise.all(ids.slice(i, i + 100).map((id) => store.get(tenantId, id)));
    for (const [k, job] of jobs.entries()) {
      if (job?.status === "complete") continue;
      notComplete++;
      if (examples.length < 5)
        examples.push(`${ids[i + k]} ${job?.status ?? "missing"} ${JSON.stringify(job?.error ?? null)}`);
    }
  }
  let wrongUploadResults = 0;
  for (const u of run.uploads) {
    const r = u.job.result ?? {};
    const right =
      u.job.status === "complete" &&
      r.parsed === UPLOAD_ROWS &&
      r.inserted === UPLOAD_ROWS &&
      r.duplicates === 0 &&
      // The rule books the coffees with high confidence. An upload retried after a SIGKILL may book
      // more: its first attempt's committed rows are history the retry learns from, so the rent and
      // salary can come back as needs_review entries. Every categorized row has its one entry.
      Number(r.high_confidence) >= UPLOAD_RULE_ROWS &&
      r.categorized === Number(r.high_confidence) + Number(r.needs_review) &&
      r.je_created === r.categorized;
    if (!right) {
      wrongUploadResults++;
      if (examples.length < 8) examples.push(`upload ${u.jobId} ${u.job.status} ${JSON.stringify(r)}`);
    }
  }

  const entriesPerTxn = await db
    .selectFrom("journal_entries")
    .select(["transaction_id", (eb) => eb.fn.countAll<string>().as("n")])
    .where("tenant_id", "=", tenantId)
    .where("company_id", "in", companies)
    .where("transaction_id", "is not", null)
    .groupBy("transaction_id")
    .execute();
  const booked = new Set(entriesPerTxn.map((r) => r.transaction_id));
  const coffee = await db
    .selectFrom("transactions")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("company_id", "in", companies)
    .where("description", "like", "COFFEE%")
    .execute();
  const txns = await sql<{ n: string; distinct_n: string }>`
    SELECT count(*) AS n, count(DISTINCT (company_id, fingerprint)) AS distinct_n
    FROM transactions WHERE tenant_id = ${tenantId} AND company_id IN (${sql.join(companies)})`.execute(db);
  const counted = txns.rows[0] ?? { n: "0", distinct_n: "0" };
  const expectedTxns = books.waiting + run.uploads.length * UPLOAD_ROWS;
  return {
    notComplete,
    distinctJobs: new Set(ids).size,
    reusedIds: run.reused.length,
    transactionsWithSeveralEntries: entriesPerTxn.filter((r) => Number(r.n) > 1).length,
    transactionsWithoutEntry: coffee.filter((t) => !booked.has(t.id)).length,
    duplicateFingerprints: Number(counted.n) - Number(counted.distinct_n),
    transactionsOff: Number(counted.n) - expectedTxns,
    wrongUploadResults,
    examples,
  };
}
