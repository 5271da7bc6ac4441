import type { ParseCsvResult, ParsedRow } from "../csv/index.js";

/** The most skipped lines a job result lists (the count is always complete). */
export const MAX_REPORTED_SKIPPED = 100;

// Type aliases (not interfaces) so results are assignable to the engine's Json type.
export type SkippedOut = { line: number; reason: string };

export type ImportReportOut = {
  /** Lines deliberately not imported (preamble, summary, pending rows), first 100, with the reason. */
  skipped: SkippedOut[];
  skipped_count: number;
  /** The sum of the file's transactions that were valid (imported now or already before), in cents. */
  net_cents: number;
  /** The file's own closing balance, to compare with net_cents plus the opening balance. */
  closing_balance: { column: string; closing_cents: number; verified: boolean } | null;
};

/** What the file itself says, beside what the import did: skipped lines, the net, the closing balance. */
export function importReport(parsed: ParseCsvResult, valid: ReadonlyArray<ParsedRow>): ImportReportOut {
  return {
    skipped: parsed.skipped.slice(0, MAX_REPORTED_SKIPPED).map((s) => ({ line: s.line, reason: s.reason })),
    skipped_count: parsed.skipped.length,
    net_cents: valid.reduce((sum, row) => sum + row.amountCents, 0),
    closing_balance: parsed.balance
      ? {
          column: parsed.balance.column,
          closing_cents: parsed.balance.closingCents,
          verified: parsed.balance.verified,
        }
      : null,
  };
}
