import type { BooksDb } from "../db/open.js";
import type { AccountType } from "../db/schema.js";

export interface ExportLine {
  entryId: string;
  date: string;
  memo: string;
  transactionId: string | null;
  reversesEntryId: string | null;
  payee: string | null;
  accountCode: string;
  accountName: string;
  accountType: AccountType;
  debitCents: number;
  creditCents: number;
}

/** Every line of the company's journal in date order, joined with its account, for the exports. */
export async function exportLines(db: BooksDb, tenantId: string, companyId: string): Promise<ExportLine[]> {
  const rows = await db
    .selectFrom("journal_lines as l")
    .innerJoin("journal_entries as e", "e.id", "l.entry_id")
    .innerJoin("accounts as a", "a.id", "l.account_id")
    .leftJoin("transactions as t", "t.id", "e.transaction_id")
    .select([
      "e.id as entryId",
      "e.date",
      "e.memo",
      "e.transaction_id as transactionId",
      "e.reverses_entry_id as reversesEntryId",
      "t.payee",
      "a.code as accountCode",
      "a.name as accountName",
      "a.type as accountType",
      "l.debit_cents as debitCents",
      "l.credit_cents as creditCents",
    ])
    .where("e.tenant_id", "=", tenantId)
    .where("e.company_id", "=", companyId)
    .orderBy("e.date")
    .orderBy("e.created_at")
    .orderBy("e.id")
    .orderBy("l.line_no")
    .execute();
  return rows;
}

/** Cents as a plain decimal string: -1234 → "-12.34". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
