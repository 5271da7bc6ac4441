import type { BooksDb } from "@ledgerflow/books";
import type { JobRecord, Queue } from "@ledgerflow/jobs";
import {
  type Books,
  DIRECT_ROWS_PER_COMPANY,
  ROWS_PER_UPLOAD,
  RULE_ROWS_PER_UPLOAD,
} from "./books-fixture.js";

export interface BooksCheck {
  jobs: number;
  complete: number;
  /** Jobs not complete at the end (lost, stuck or failed). */
  notComplete: number;
  /** Transactions beyond the rows the statements and direct inserts hold. */
  duplicatedTransactions: number;
  missingTransactions: number;
  /** Transactions with more than one live (not reversed) journal entry. */
  duplicatedEntries: number;
  /** Rule-matched transactions without their one live entry. */
  missingEntries: number;
  /** Complete jobs whose result disagrees with their file (parsed/inserted counts). */
  wrongResults: number;
  examples: string[];
}

/** Reads every job and the books back and counts each way they can be wrong. */
export async function verifyBooks(
  db: BooksDb,
  queue: Queue,
  books: Books,
  jobIds: readonly string[],
  uploads: number,
): Promise<BooksCheck> {
  const examples: string[] = [];
  const jobs: JobRecord[] = [];
  for (const id of jobIds) jobs.push(await queue.get(books.tenantId, id));
  const complete = jobs.filter((j) => j.status === "complete");
  for (const j of jobs.filter((j) => j.status !== "complete").slice(0, 3))
    examples.push(
      `${j.id} ${j.type} ${j.status} attempts=${j.attempts} owner=${j.leaseOwner} lease ${
        j.leaseExpiresAt === null
          ? "none"
          : `${Math.round((j.leaseExpiresAt - Date.now()) / 1000)} s from now`
      } progress=${j.progress} ${JSON.stringify(j.error)}`,
    );
  let wrongResults = 0;
  for (const j of complete) {
    if (j.type !== "upload_and_categorize") continue;
    const r = j.result as { parsed?: number; inserted?: number } | null;
    if (r?.parsed !== ROWS_PER_UPLOAD || r.inserted !== ROWS_PER_UPLOAD) {
      wrongResults++;
      if (examples.length < 6) examples.push(`${j.id} result ${JSON.stringify(r)}`);
    }
  }

  const expectedTxns = uploads * ROWS_PER_UPLOAD + books.companyIds.length * DIRECT_ROWS_PER_COMPANY;
  const txns = await countTransactions(db, books.tenantId);
  const { withEntry, duplicatedEntries } = await liveEntries(db, books.tenantId);
  const ruleRows = await db
    .selectFrom("transactions")
    .select("id")
    .where("tenant_id", "=", books.tenantId)
    .where("description", "like", "COFFEE%")
    .execute();
  const expectedRuleRows = uploads * RULE_ROWS_PER_UPLOAD + books.companyIds.length * DIRECT_ROWS_PER_COMPANY;
  const missingEntries =
    ruleRows.filter((r) => !withEntry.has(r.id)).length + Math.max(0, expectedRuleRows - ruleRows.length);
  return {
    jobs: jobs.length,
    complete: complete.length,
    notComplete: jobs.length - complete.length,
    duplicatedTransactions: Math.max(0, txns - expectedTxns),
    missingTransactions: Math.max(0, expectedTxns - txns),
    duplicatedEntries,
    missingEntries,
    wrongResults,
    examples,
  };
}

/** The tenant's transactions. */
export async function countTransactions(db: BooksDb, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom("transactions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("tenant_id", "=", tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Which transactions have a live (not reversed) journal entry, and how many have more than one. */
export async function liveEntries(
  db: BooksDb,
  tenantId: string,
): Promise<{ withEntry: Set<string | null>; duplicatedEntries: number }> {
  const live = await db
    .selectFrom("journal_entries")
    .select(["transaction_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tenant_id", "=", tenantId)
    .where("transaction_id", "is not", null)
    .where("reversed_by_entry_id", "is", null)
    .groupBy("transaction_id")
    .execute();
  return {
    withEntry: new Set(live.map((r) => r.transaction_id)),
    duplicatedEntries: live.filter((r) => Number(r.n) > 1).length,
  };
}
