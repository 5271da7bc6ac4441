import type { BooksDb } from "../db/open.js";
import { bookTransactions } from "../journal/post.js";

/**
 * Rows that arrived with a category (a history import) are categorized on insert; book their entries
 * too, so every categorized transaction has its live entry. Idempotent like all booking.
 */
export async function bookImportedCategorized(
  db: BooksDb,
  tenantId: string,
  importId: string,
  companyId: string,
  bankAccountId: string,
): Promise<number> {
  const rows = await db
    .selectFrom("transactions as t")
    .leftJoin("journal_entries as e", (join) =>
      join
        .onRef("e.transaction_id", "=", "t.id")
        .on("e.reversed_at", "is", null)
        .on("e.reverses_entry_id", "is", null),
    )
    .select(["t.id", "t.date", "t.description", "t.amount_cents", "t.account_id"])
    .where("t.tenant_id", "=", tenantId)
    .where("t.import_id", "=", importId)
    .where("t.source", "=", "manual")
    .where("t.account_id", "is not", null)
    .where("e.id", "is", null)
    .execute();
  if (rows.length === 0) return 0;
  return db.transaction().execute((trx) =>
    bookTransactions(trx, tenantId, {
      companyId,
      bankAccountId,
      items: rows.map((r) => ({
        id: r.id,
        date: r.date,
        description: r.description,
        amountCents: r.amount_cents,
        accountId: r.account_id ?? "",
      })),
    }),
  );
}

export interface ImportOutcome {
  inserted: number;
  highConfidence: number;
  needsReview: number;
  uncategorized: number;
  /** Live journal entries of this import's transactions. */
  entries: number;
  /** Categorized (or flagged) rows by the stage that answered. */
  bySource: Record<"rule" | "prior" | "history" | "llm" | "manual", number>;
}

/** Counts read back from the database, so a retried job reports what the import did in total. */
export async function importOutcome(db: BooksDb, tenantId: string, importId: string): Promise<ImportOutcome> {
  const byStatus = await db
    .selectFrom("transactions")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tenant_id", "=", tenantId)
    .where("import_id", "=", importId)
    .groupBy("status")
    .execute();
  const count = (status: string) => Number(byStatus.find((r) => r.status === status)?.n ?? 0);
  const sources = await db
    .selectFrom("transactions")
    .select(["source", (eb) => eb.fn.countAll<number>().as("n")])
    .where("tenant_id", "=", tenantId)
    .where("import_id", "=", importId)
    .where("source", "is not", null)
    .groupBy("source")
    .execute();
  const bySource = { rule: 0, prior: 0, history: 0, llm: 0, manual: 0 };
  for (const r of sources) if (r.source) bySource[r.source] = Number(r.n);
  const entries = await db
    .selectFrom("journal_entries as e")
    .innerJoin("transactions as t", "t.id", "e.transaction_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("t.tenant_id", "=", tenantId)
    .where("t.import_id", "=", importId)
    .where("e.reversed_at", "is", null)
    .where("e.reverses_entry_id", "is", null)
    .executeTakeFirst();
  return {
    inserted: count("uncategorized") + count("categorized") + count("needs_review"),
    highConfidence: count("categorized"),
    needsReview: count("needs_review"),
    uncategorized: count("uncategorized"),
    entries: Number(entries?.n ?? 0),
    bySource,
  };
}
