import type { HistoryModel } from "../categorize/history/model.js";
import { getBankAccount } from "../db/accounts.js";
import { BooksError, notFound } from "../db/errors.js";
import { inTransaction } from "../db/in-transaction.js";
import type { BooksDb } from "../db/open.js";
import { type Transaction, toTransaction } from "../db/transactions.js";
import { linesForTransaction } from "./balance.js";
import type { JournalEntry } from "./entries.js";
import { postEntry } from "./post.js";
import { reverseEntry } from "./reverse.js";

export interface RecategorizeResult {
  transaction: Transaction;
  /** The reversing entry, when the transaction had a live entry. */
  reversal: JournalEntry | null;
  /** The new live entry (null for a zero amount, which books nothing). */
  entry: JournalEntry | null;
}

/**
 * A person chose the account for a transaction. Posted entries are never edited: the live entry (if
 * any) is reversed and a new one posted, all in one database transaction. The transaction becomes
 * categorized with source "manual" and confidence 1, which is what the history categorizer trains
 * on; pass the in-memory `history` model to teach it at once as well. Null for an unknown id or
 * another tenant's.
 */
export async function recategorizeTransaction(
  db: BooksDb,
  tenantId: string,
  transactionId: string,
  accountId: string,
  options: { history?: HistoryModel } = {},
): Promise<RecategorizeResult | null> {
  const result = await inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom("transactions")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("id", "=", transactionId)
      .executeTakeFirst();
    if (!row) return null;
    const account = await trx
      .selectFrom("accounts")
      .select(["id", "is_bank"])
      .where("tenant_id", "=", tenantId)
      .where("company_id", "=", row.company_id)
      .where("id", "=", accountId)
      .executeTakeFirst();
    if (!account) throw notFound("account", accountId);
    if (account.is_bank === 1) {
      throw new BooksError("invalid", "a bank transaction cannot be categorized to the bank account itself");
    }
    const live = await trx
      .selectFrom("journal_entries")
      .select("id")
      .where("tenant_id", "=", tenantId)
      .where("transaction_id", "=", transactionId)
      .where("reversed_at", "is", null)
      .where("reverses_entry_id", "is", null)
      .executeTakeFirst();
    const reversal = live
      ? await reverseEntry(trx, tenantId, live.id, { memo: `Re-categorized: ${row.description}` })
      : null;
    const bank = await getBankAccount(trx, tenantId, row.company_id);
    const lines = linesForTransaction(row.amount_cents, accountId, bank.id);
    const entry = lines
      ? await postEntry(trx, tenantId, {
          companyId: row.company_id,
          transactionId,
          date: row.date,
          memo: row.description,
          lines,
        })
      : null;
    const now = Date.now();
    await trx
      .updateTable("transactions")
      .set({ status: "categorized", account_id: accountId, confidence: 1, source: "manual", updated_at: now })
      .where("id", "=", transactionId)
      .execute();
    const previousAccount = row.status === "categorized" ? row.account_id : null;
    const updated = toTransaction({
      ...row,
      status: "categorized",
      account_id: accountId,
      confidence: 1,
      source: "manual",
      updated_at: now,
    });
    return { transaction: updated, reversal, entry, previousAccount };
  });
  if (!result) return null;
  // Teach the in-memory model only after the commit, so a rolled-back change teaches nothing.
  if (options.history) {
    const t = result.transaction;
    const txn = {
      id: t.id,
      date: t.date,
      description: t.description,
      payee: t.payee,
      amountCents: t.amountCents,
    };
    if (result.previousAccount) options.history.unlearn(txn, result.previousAccount);
    options.history.learn(txn, accountId);
  }
  return { transaction: result.transaction, reversal: result.reversal, entry: result.entry };
}
