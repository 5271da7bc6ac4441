import type { TxnForCategorize } from "../categorize/types.js";
import type { BooksDb } from "../db/open.js";
import { yieldToEventLoop } from "./yield.js";

// better-sqlite3 reads synchronously: 100,000 rows in one query would hold the event loop for
// hundreds of milliseconds, so they are read in keyset pages with a yield between.
const PAGE = 2000;

/**
 * The import's transactions still uncategorized, oldest first (date, id); with `fingerprints`, only
 * those rows (one chunk of an upload).
 */
export async function pendingOfImport(
  db: BooksDb,
  tenantId: string,
  importId: string,
  fingerprints?: readonly string[],
): Promise<TxnForCategorize[]> {
  if (fingerprints !== undefined && fingerprints.length === 0) return [];
  const out: TxnForCategorize[] = [];
  let after: { date: string; id: string } | null = null;
  for (;;) {
    let query = db
      .selectFrom("transactions")
      .select(["id", "date", "description", "payee", "amount_cents"])
      .where("tenant_id", "=", tenantId)
      .where("import_id", "=", importId)
      .where("status", "=", "uncategorized");
    if (fingerprints !== undefined) query = query.where("fingerprint", "in", fingerprints);
    if (after) {
      const { date, id } = after;
      query = query.where((eb) =>
        eb.or([eb("date", ">", date), eb.and([eb("date", "=", date), eb("id", ">", id)])]),
      );
    }
    const rows = await query.orderBy("date").orderBy("id").limit(PAGE).execute();
    for (const r of rows) {
      out.push({
        id: r.id,
        date: r.date,
        description: r.description,
        payee: r.payee,
        amountCents: r.amount_cents,
      });
    }
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || !last) return out;
    after = { date: last.date, id: last.id };
    await yieldToEventLoop();
  }
}
