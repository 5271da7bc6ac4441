import { newestFirstPage } from "../db/newest-first.js";
import type { BooksDb } from "../db/open.js";
import type { JournalEntryRow } from "../db/schema.js";

export interface JournalLine {
  accountId: string;
  debitCents: number;
  creditCents: number;
}

export interface JournalEntry {
  id: string;
  companyId: string;
  transactionId: string | null;
  date: string;
  memo: string;
  /** On a reversing entry: the entry it cancels. */
  reversesEntryId: string | null;
  /** On a reversed entry: the entry that cancelled it. */
  reversedByEntryId: string | null;
  reversedAt: number | null;
  createdAt: number;
  lines: JournalLine[];
}

export function toEntry(row: JournalEntryRow, lines: JournalLine[]): JournalEntry {
  return {
    id: row.id,
    companyId: row.company_id,
    transactionId: row.transaction_id,
    date: row.date,
    memo: row.memo,
    reversesEntryId: row.reverses_entry_id,
    reversedByEntryId: row.reversed_by_entry_id,
    reversedAt: row.reversed_at,
    createdAt: row.created_at,
    lines,
  };
}

export async function linesOf(db: BooksDb, entryIds: readonly string[]): Promise<Map<string, JournalLine[]>> {
  const byEntry = new Map<string, JournalLine[]>();
  if (entryIds.length === 0) return byEntry;
  const rows = await db
    .selectFrom("journal_lines")
    .select(["entry_id", "account_id", "debit_cents", "credit_cents"])
    .where("entry_id", "in", [...entryIds])
    .orderBy("entry_id")
    .orderBy("line_no")
    .execute();
  for (const r of rows) {
    const list = byEntry.get(r.entry_id) ?? [];
    list.push({ accountId: r.account_id, debitCents: r.debit_cents, creditCents: r.credit_cents });
    byEntry.set(r.entry_id, list);
  }
  return byEntry;
}

export async function getJournalEntry(
  db: BooksDb,
  tenantId: string,
  entryId: string,
): Promise<JournalEntry | null> {
  const row = await db
    .selectFrom("journal_entries")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", entryId)
    .executeTakeFirst();
  if (!row) return null;
  return toEntry(row, (await linesOf(db, [row.id])).get(row.id) ?? []);
}

export interface JournalFilter {
  companyId: string;
  transactionId?: string;
  cursor?: string | null;
  /** Default 50, at most 500. */
  limit?: number;
}

/** Entries with their lines, newest first (date desc, id desc), tenant-scoped, cursor-paged. */
export async function listJournalEntries(
  db: BooksDb,
  tenantId: string,
  filter: JournalFilter,
): Promise<{ entries: JournalEntry[]; nextCursor: string | null }> {
  let query = db
    .selectFrom("journal_entries")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", filter.companyId);
  if (filter.transactionId) query = query.where("transaction_id", "=", filter.transactionId);
  const { page, nextCursor } = await newestFirstPage(query, filter);
  const lines = await linesOf(
    db,
    page.map((r) => r.id),
  );
  return { entries: page.map((r) => toEntry(r, lines.get(r.id) ?? [])), nextCursor };
}
