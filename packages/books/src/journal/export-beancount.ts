import type { BooksDb } from "../db/open.js";
import type { AccountType } from "../db/schema.js";
import { type ExportLine, exportLines, formatCents } from "./export-rows.js";

const ROOTS: Record<AccountType, string> = {
  asset: "Assets",
  liability: "Liabilities",
  equity: "Equity",
  income: "Income",
  expense: "Expenses",
};

/** "Meals & Entertainment" → "Expenses:Meals-Entertainment"; beancount names allow [A-Za-z0-9-]. */
export function beancountAccount(type: AccountType, name: string, code: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const component = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("-");
  // A name with no usable letters (or starting with a digit) falls back to the account code.
  return `${ROOTS[type]}:${/^[A-Z]/.test(component) ? component : `A${code}`}`;
}

function quote(text: string): string {
  return `"${text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/[\r\n]+/g, " ")}"`;
}

export function journalLinesToBeancount(
  lines: readonly ExportLine[],
  options: { currency?: string; title?: string } = {},
): string {
  const currency = options.currency ?? "USD";
  const out: string[] = [];
  if (options.title) out.push(`option "title" ${quote(options.title)}`);
  out.push(`option "operating_currency" "${currency}"`, "");
  const names = new Map<string, string>();
  const opened = new Map<string, string>();
  for (const l of lines) {
    const key = l.accountCode;
    if (!names.has(key)) names.set(key, beancountAccount(l.accountType, l.accountName, l.accountCode));
    const name = names.get(key) ?? "";
    if (!opened.has(name) || (opened.get(name) ?? "") > l.date) opened.set(name, l.date);
  }
  for (const [name, date] of [...opened].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`${date} open ${name} ${currency}`);
  }
  let current: string | null = null;
  for (const l of lines) {
    if (l.entryId !== current) {
      current = l.entryId;
      out.push("", `${l.date} * ${quote(l.payee ?? "")} ${quote(l.memo)}`, `  entry_id: ${quote(l.entryId)}`);
    }
    const amount = l.debitCents ? formatCents(l.debitCents) : formatCents(-l.creditCents);
    out.push(`  ${names.get(l.accountCode)}  ${amount} ${currency}`);
  }
  return `${out.join("\n")}\n`;
}

/** The company's journal as beancount text, readable by `bean-check` and Fava. */
export async function exportJournalBeancount(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  options: { currency?: string; title?: string } = {},
): Promise<string> {
  return journalLinesToBeancount(await exportLines(db, tenantId, companyId), options);
}
