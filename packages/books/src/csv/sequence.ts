/**
 * Puts record outcomes in sequence: continuation lines are merged into the row above (so a
 * row is held until the next record shows it is complete), skipped lines are noted, the
 * row limit is enforced, and complete rows go to the finalizer in file order.
 */
import { CsvFormatError } from "./errors.js";
import type { RowFinalizer } from "./finalize.js";
import type { CsvRecord } from "./records.js";
import type { DraftRow, RowReader } from "./rows.js";
import type { ParsedRow, RowError, SkippedLine } from "./types.js";

type Out = Array<ParsedRow | RowError>;

/** A row that had a balance: the first and last of these give the file's closing balance. */
export interface BalancePoint {
  amount: number;
  balanceText: string;
  row: DraftRow;
}

export class RowSequencer {
  firstBalance: BalancePoint | null = null;
  lastBalance: BalancePoint | null = null;
  private tail: DraftRow | null = null;
  private notImported: { line: number; why: string } | null = null;
  private count = 0;

  constructor(
    private readonly reader: RowReader,
    private readonly finalizer: RowFinalizer,
    private readonly maxRows: number,
    private readonly skipped: SkippedLine[],
    private readonly warnings: RowError[],
  ) {}

  push(record: CsvRecord): Out {
    if (record.brokenQuote) {
      this.warnings.push({
        line: record.line,
        column: null,
        message: `Line ${record.line}: a quote opened on this line is never closed, so the line was read as if the quote were text; check this row's fields.`,
      });
    }
    const outcome = this.reader.read(record);
    if (outcome.kind === "blank") return [];
    if (outcome.kind === "continuation") {
      const tail = this.tail;
      if (tail) {
        tail.description = tail.description ? `${tail.description} ${outcome.text}` : outcome.text;
        tail.raw = `${tail.raw}\n${outcome.raw}`;
      } else {
        const reason = this.notImported
          ? `continues line ${this.notImported.line}, which ${this.notImported.why}`
          : "text without a date or amount that follows no transaction";
        this.skipped.push({ line: record.line, reason });
      }
      return [];
    }
    const out = this.releaseTail();
    if (outcome.kind === "skip") {
      this.skipped.push(outcome.skipped);
      this.notImported = { line: record.line, why: "was skipped" };
      return out;
    }
    if (++this.count > this.maxRows) {
      throw new CsvFormatError(
        "too-many-rows",
        `The file has more than ${this.maxRows.toLocaleString("en-US")} transaction rows, the most one import accepts; export a shorter date range and import each part.`,
      );
    }
    if (outcome.kind === "draft") {
      this.tail = outcome.row;
      return out;
    }
    this.notImported = { line: record.line, why: "has an error" };
    return out.concat(this.finalizer.push({ kind: "error", error: outcome.error }));
  }

  end(): Out {
    return this.releaseTail().concat(this.finalizer.end());
  }

  private releaseTail(): Out {
    const tail = this.tail;
    this.tail = null;
    this.notImported = null;
    if (!tail) return [];
    if (tail.balanceText !== "") {
      const point = { amount: tail.cents, balanceText: tail.balanceText, row: tail };
      this.firstBalance ??= point;
      this.lastBalance = point;
    }
    return this.finalizer.push({ kind: "row", row: tail });
  }
}
