import type { ParseCsvResult, ParsedRow } from "../csv/index.js";

/** The most skipped lines a job result lists (the count is always complete). */
export const MAX_REPORTED_SKIPPED = 100;

// Type aliases (not interfaces) so results are assignable to the engine's Json type.
export type SkippedOut = { line: number; reason: string };

/**
 * What the file itself says, beside what the import did. The two strings are for people (a job
 * card lists a result's numbers and strings); `amounts` carries the same figures as numbers.
 */
export type ImportReportOut = {
  /** Lines deliberately not imported (preamble, summary, pending rows), first 100, with the reason. */
  skipped: SkippedOut[];
  skipped_lines: number;
  /** The sum of the file's valid transactions (imported now or already before), e.g. "1,966.42". */
  sum_of_amounts: string;
  /** The file's own closing balance, e.g. "3,150.00 (Saldo)"; absent when it has no balance column. */
  closing_balance?: string;
  amounts: {
    net_cents: number;
    closing_balance_cents: number | null;
    balance_column: string | null;
    /** Every step of the running balance matched the amounts. */
    balance_verified: boolean;
  };
};

const money = (cents: number) =>
  (cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function importReport(parsed: ParseCsvResult, valid: ReadonlyArray<ParsedRow>): ImportReportOut {
  const net = valid.reduce((sum, row) => sum + row.amountCents, 0);
  const balance = parsed.balance;
  const report: ImportReportOut = {
    skipped: parsed.skipped.slice(0, MAX_REPORTED_SKIPPED).map((s) => ({ line: s.line, reason: s.reason })),
    skipped_lines: parsed.skipped.length,
    sum_of_amounts: money(net),
    amounts: {
      net_cents: net,
      closing_balance_cents: balance?.closingCents ?? null,
      balance_column: balance?.column ?? null,
      balance_verified: balance?.verified ?? false,
    },
  };
  if (balance) report.closing_balance = `${money(balance.closingCents)} (${balance.column})`;
  return report;
}
