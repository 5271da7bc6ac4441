import type { BooksDb } from "../db/open.js";
import { type ExportLine, exportLines, formatCents } from "./export-rows.js";

const HEADER = [
  "date",
  "entry_id",
  "memo",
  "account_code",
  "account_name",
  "debit",
  "credit",
  "transaction_id",
  "reverses_entry_id",
];

/**
 * A spreadsheet opening the file would run a cell starting with = + - @ (or a tab/CR that hides one)
 * as a formula — bank descriptions are attacker-controlled text. Such cells get a leading
 * apostrophe, the OWASP-recommended neutraliser.
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function csvCell(value: string): string {
  const safe = neutraliseFormula(value);
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function journalLinesToCsv(lines: readonly ExportLine[]): string {
  const out = [HEADER.join(",")];
  for (const l of lines) {
    out.push(
      [
        l.date,
        l.entryId,
        l.memo,
        l.accountCode,
        l.accountName,
        l.debitCents ? formatCents(l.debitCents) : "",
        l.creditCents ? formatCents(l.creditCents) : "",
        l.transactionId ?? "",
        l.reversesEntryId ?? "",
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${out.join("\r\n")}\r\n`;
}

/** The company's journal as CSV (RFC 4180, CRLF), one row per line, formula injection neutralised. */
export async function exportJournalCsv(db: BooksDb, tenantId: string, companyId: string): Promise<string> {
  return journalLinesToCsv(await exportLines(db, tenantId, companyId));
}
