import type { Categorization } from "../categorize/types.js";
import { HIGH_CONFIDENCE } from "../categorize/types.js";
import type { BooksDb } from "../db/open.js";
import { bookTransactions, type TransactionToBook } from "../journal/post.js";

export interface CategorizedTxn {
  id: string;
  date: string;
  description: string;
  amountCents: number;
  categorization: Categorization;
}

/**
 * Writes one chunk of categorizations and their journal entries in one database transaction, so a
 * crash leaves either both or neither. Only rows still `uncategorized` are updated (a retried job
 * or a concurrent one cannot overwrite a person's choice), and entries are only booked for those —
 * the one-live-entry index makes booking twice impossible anyway. Returns entries created.
 */
export async function applyCategorizations(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  bankAccountId: string,
  items: readonly CategorizedTxn[],
): Promise<{ updated: number; entriesCreated: number }> {
  if (items.length === 0) return { updated: 0, entriesCreated: 0 };
  return db.transaction().execute(async (trx) => {
    const now = Date.now();
    // One UPDATE per distinct (account, confidence, source) instead of one per row: a chunk of bank
    // lines usually shares a handful of answers, which keeps PostgreSQL round trips low.
    const groups = new Map<string, CategorizedTxn[]>();
    for (const item of items) {
      const c = item.categorization;
      const key = JSON.stringify([c.accountId, c.confidence, c.source]);
      const group = groups.get(key) ?? [];
      group.push(item);
      groups.set(key, group);
    }
    const toBook: TransactionToBook[] = [];
    for (const group of groups.values()) {
      const c = (group[0] as CategorizedTxn).categorization;
      const updated = await trx
        .updateTable("transactions")
        .set({
          status: c.confidence >= HIGH_CONFIDENCE ? "categorized" : "needs_review",
          account_id: c.accountId,
          confidence: c.confidence,
          source: c.source,
          updated_at: now,
        })
        .where("tenant_id", "=", tenantId)
        .where(
          "id",
          "in",
          group.map((g) => g.id),
        )
        .where("status", "=", "uncategorized")
        .returning("id")
        .execute();
      const done = new Set(updated.map((u) => u.id));
      for (const item of group) if (done.has(item.id)) toBook.push({ ...item, accountId: c.accountId });
    }
    const entriesCreated = await bookTransactions(trx, tenantId, { companyId, bankAccountId, items: toBook });
    return { updated: toBook.length, entriesCreated };
  });
}
