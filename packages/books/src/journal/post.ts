import { requireAccountsOfCompany } from "../db/accounts.js";
import { BooksError } from "../db/errors.js";
import { newId } from "../db/ids.js";
import { inTransaction } from "../db/in-transaction.js";
import type { BooksDb } from "../db/open.js";
import { assertBalanced, type JournalLineInput, linesForTransaction } from "./balance.js";
import { type JournalEntry, toEntry } from "./entries.js";

export interface PostEntryInput {
  companyId: string;
  /** The bank transaction this entry books; at most one live entry per transaction. */
  transactionId?: string | null;
  date: string;
  memo: string;
  lines: readonly JournalLineInput[];
}

/**
 * Writes one balanced entry and its lines atomically — the only way entries are written. Returns
 * null, writing nothing, when the transaction already has a live entry (insert … on conflict do
 * nothing on the one-live-entry index), so posting twice is harmless.
 */
export async function postEntry(
  db: BooksDb,
  tenantId: string,
  input: PostEntryInput,
): Promise<JournalEntry | null> {
  assertBalanced(input.lines);
  return inTransaction(db, async (trx) => {
    await requireAccountsOfCompany(
      trx,
      tenantId,
      input.companyId,
      input.lines.map((l) => l.accountId),
    );
    const row = {
      id: newId("je"),
      tenant_id: tenantId,
      company_id: input.companyId,
      transaction_id: input.transactionId ?? null,
      date: input.date,
      memo: input.memo,
      reverses_entry_id: null,
      reversed_by_entry_id: null,
      reversed_at: null,
      created_at: Date.now(),
    };
    const inserted = await trx
      .insertInto("journal_entries")
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .execute();
    if (inserted.length === 0) return null;
    await trx
      .insertInto("journal_lines")
      .values(
        input.lines.map((l, i) => ({
          id: newId("jl"),
          tenant_id: tenantId,
          entry_id: row.id,
          line_no: i + 1,
          account_id: l.accountId,
          debit_cents: l.debitCents,
          credit_cents: l.creditCents,
        })),
      )
      .execute();
    return toEntry(
      row,
      input.lines.map((l) => ({ ...l })),
    );
  });
}

export interface TransactionToBook {
  id: string;
  date: string;
  description: string;
  amountCents: number;
  accountId: string;
}

// 10 values an entry row, 7 a line row: 300 entries keep both statements far below SQLite's limit.
const BOOK_CHUNK = 300;

/**
 * Books many bank transactions of one company against their chosen accounts, in bulk (the tasks'
 * hot path). Each gets the standard two-line entry; transactions that already have a live entry are
 * skipped by the database. Returns how many entries were created. Call inside a transaction.
 */
export async function bookTransactions(
  db: BooksDb,
  tenantId: string,
  input: { companyId: string; bankAccountId: string; items: readonly TransactionToBook[] },
): Promise<number> {
  const now = Date.now();
  let created = 0;
  for (let start = 0; start < input.items.length; start += BOOK_CHUNK) {
    const planned = new Map<string, JournalLineInput[]>();
    const rows = [];
    for (const item of input.items.slice(start, start + BOOK_CHUNK)) {
      if (item.accountId === input.bankAccountId) {
        throw new BooksError("invalid", `transaction ${item.id} cannot be booked to the bank account itself`);
      }
      const lines = linesForTransaction(item.amountCents, item.accountId, input.bankAccountId);
      if (!lines) continue;
      const id = newId("je");
      planned.set(id, lines);
      rows.push({
        id,
        tenant_id: tenantId,
        company_id: input.companyId,
        transaction_id: item.id,
        date: item.date,
        memo: item.description,
        reverses_entry_id: null,
        reversed_by_entry_id: null,
        reversed_at: null,
        created_at: now,
      });
    }
    if (rows.length === 0) continue;
    const inserted = await db
      .insertInto("journal_entries")
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .execute();
    if (inserted.length === 0) continue;
    created += inserted.length;
    await db
      .insertInto("journal_lines")
      .values(
        inserted.flatMap(({ id }) =>
          (planned.get(id) ?? []).map((l, i) => ({
            id: newId("jl"),
            tenant_id: tenantId,
            entry_id: id,
            line_no: i + 1,
            account_id: l.accountId,
            debit_cents: l.debitCents,
            credit_cents: l.creditCents,
          })),
        ),
      )
      .execute();
  }
  return created;
}
