import { requireCompany } from "./companies.js";
import { newId } from "./ids.js";
import { inTransaction } from "./in-transaction.js";
import { newestFirstPage } from "./newest-first.js";
import type { BooksDb } from "./open.js";
import type { CategorySource, Transaction as TransactionRow, TransactionStatus } from "./schema.js";

export interface Transaction {
  id: string;
  companyId: string;
  importId: string | null;
  date: string;
  description: string;
  payee: string | null;
  /** Negative = money out of the bank account. */
  amountCents: number;
  fingerprint: string;
  status: TransactionStatus;
  accountId: string | null;
  confidence: number | null;
  source: CategorySource | null;
  createdAt: number;
  updatedAt: number;
}

export function toTransaction(row: TransactionRow): Transaction {
  return {
    id: row.id,
    companyId: row.company_id,
    importId: row.import_id,
    date: row.date,
    description: row.description,
    payee: row.payee,
    amountCents: row.amount_cents,
    fingerprint: row.fingerprint,
    status: row.status,
    accountId: row.account_id,
    confidence: row.confidence,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface TransactionFilter {
  companyId?: string;
  status?: TransactionStatus | readonly TransactionStatus[];
  importId?: string;
  /** From a previous page's `nextCursor`. */
  cursor?: string | null;
  /** Default 50, at most 500. */
  limit?: number;
}

/** Newest first (date desc, id desc), tenant-scoped, cursor-paged. */
export async function listTransactions(
  db: BooksDb,
  tenantId: string,
  filter: TransactionFilter = {},
): Promise<{ transactions: Transaction[]; nextCursor: string | null }> {
  let query = db.selectFrom("transactions").selectAll().where("tenant_id", "=", tenantId);
  if (filter.companyId) query = query.where("company_id", "=", filter.companyId);
  if (filter.importId) query = query.where("import_id", "=", filter.importId);
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === "string" ? [filter.status] : [...filter.status];
    if (statuses.length === 0) return { transactions: [], nextCursor: null };
    query = query.where("status", "in", statuses);
  }
  const { page, nextCursor } = await newestFirstPage(query, filter);
  return { transactions: page.map(toTransaction), nextCursor };
}

export async function getTransaction(
  db: BooksDb,
  tenantId: string,
  transactionId: string,
): Promise<Transaction | null> {
  const row = await db
    .selectFrom("transactions")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", transactionId)
    .executeTakeFirst();
  return row ? toTransaction(row) : null;
}

export interface NewTransaction {
  date: string;
  description: string;
  payee?: string | null;
  amountCents: number;
  fingerprint: string;
  /** A row imported with a category (history import) arrives categorized, source manual. */
  accountId?: string | null;
}

// 15 bound values a row; 400 rows stay far below SQLite's 32,766 variables per statement.
const INSERT_CHUNK = 400;

/**
 * Inserts rows for one company, skipping any whose fingerprint the company already has (insert … on
 * conflict do nothing), so re-importing a file or retrying a job inserts nothing twice.
 */
export async function insertTransactions(
  db: BooksDb,
  tenantId: string,
  input: { companyId: string; importId?: string | null; rows: readonly NewTransaction[] },
): Promise<{ inserted: number }> {
  await requireCompany(db, tenantId, input.companyId);
  const now = Date.now();
  // One transaction for all chunks: one commit (one WAL sync) per call instead of one per chunk.
  return inTransaction(db, async (trx) => {
    let inserted = 0;
    for (let start = 0; start < input.rows.length; start += INSERT_CHUNK) {
      const values = input.rows.slice(start, start + INSERT_CHUNK).map((r) => ({
        id: newId("txn"),
        tenant_id: tenantId,
        company_id: input.companyId,
        import_id: input.importId ?? null,
        date: r.date,
        description: r.description,
        payee: r.payee ?? null,
        amount_cents: r.amountCents,
        fingerprint: r.fingerprint,
        status: (r.accountId ? "categorized" : "uncategorized") as TransactionStatus,
        account_id: r.accountId ?? null,
        confidence: r.accountId ? 1 : null,
        source: (r.accountId ? "manual" : null) as CategorySource | null,
        created_at: now,
        updated_at: now,
      }));
      const result = await trx
        .insertInto("transactions")
        .values(values)
        .onConflict((oc) => oc.columns(["company_id", "fingerprint"]).doNothing())
        .executeTakeFirst();
      // Skipped rows are not counted: SQLite's changes() and PostgreSQL's rowCount both exclude them.
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return { inserted };
  });
}

export async function countTransactionsByStatus(
  db: BooksDb,
  tenantId: string,
  companyId: string,
): Promise<Record<TransactionStatus, number>> {
  const rows = await db
    .selectFrom("transactions")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .groupBy("status")
    .execute();
  const counts: Record<TransactionStatus, number> = { uncategorized: 0, categorized: 0, needs_review: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
