import type { Transaction } from "kysely";
import { BooksError, notFound } from "../db/errors.js";
import { newId } from "../db/ids.js";
import { inTransaction } from "../db/in-transaction.js";
import type { BooksDb } from "../db/open.js";
import type { Database } from "../db/schema.js";
import { type JournalEntry, linesOf, toEntry } from "./entries.js";

/**
 * Cancels a posted entry the way a bookkeeper expects: the original is never edited; a new entry
 * with debits and credits swapped is posted, and the original is marked reversed (which frees the
 * transaction's one-live-entry slot for a corrected entry). Returns the reversing entry.
 */
export async function reverseEntry(
  db: BooksDb,
  tenantId: string,
  entryId: string,
  options: { date?: string; memo?: string } = {},
): Promise<JournalEntry> {
  return inTransaction(db, (trx) => reverseIn(trx, tenantId, entryId, options));
}

async function reverseIn(
  trx: Transaction<Database>,
  tenantId: string,
  entryId: string,
  options: { date?: string; memo?: string },
): Promise<JournalEntry> {
  const original = await trx
    .selectFrom("journal_entries")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", entryId)
    .executeTakeFirst();
  if (!original) throw notFound("journal entry", entryId);
  if (original.reverses_entry_id !== null) {
    throw new BooksError("conflict", `journal entry ${entryId} is itself a reversal and cannot be reversed`);
  }
  if (original.reversed_at !== null) {
    throw new BooksError(
      "conflict",
      `journal entry ${entryId} was already reversed by ${original.reversed_by_entry_id}`,
    );
  }
  const lines = (await linesOf(trx, [entryId])).get(entryId) ?? [];
  const now = Date.now();
  const reversal = {
    id: newId("je"),
    tenant_id: tenantId,
    company_id: original.company_id,
    transaction_id: original.transaction_id,
    date: options.date ?? original.date,
    memo: options.memo ?? `Reversal of ${original.memo}`,
    reverses_entry_id: original.id,
    reversed_by_entry_id: null,
    reversed_at: null,
    created_at: now,
  };
  const swapped = lines.map((l) => ({
    accountId: l.accountId,
    debitCents: l.creditCents,
    creditCents: l.debitCents,
  }));
  await trx.insertInto("journal_entries").values(reversal).execute();
  await trx
    .insertInto("journal_lines")
    .values(
      swapped.map((l, i) => ({
        id: newId("jl"),
        tenant_id: tenantId,
        entry_id: reversal.id,
        line_no: i + 1,
        account_id: l.accountId,
        debit_cents: l.debitCents,
        credit_cents: l.creditCents,
      })),
    )
    .execute();
  // Guarded on reversed_at so two concurrent reversals cannot both succeed.
  const marked = await trx
    .updateTable("journal_entries")
    .set({ reversed_at: now, reversed_by_entry_id: reversal.id })
    .where("id", "=", entryId)
    .where("reversed_at", "is", null)
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) !== 1) {
    throw new BooksError("conflict", `journal entry ${entryId} was reversed concurrently; reload and retry`);
  }
  return toEntry(reversal, swapped);
}
