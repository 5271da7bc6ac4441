/** Turning records into draft rows: dates read, amounts parsed, continuations merged. */
import { type DecimalSeparator, parseMoney, quoted } from "../money.js";
import { readAmount } from "./amounts.js";
import { type DateToken, readDate } from "./dates.js";
import { mayBeSummary, PENDING_WORDS, SUMMARY_START, SUMMARY_WEAK } from "./lexicon.js";
import type { CsvRecord } from "./records.js";
import type { ColumnMapping, RowError, SkippedLine } from "./types.js";

/** A row whose date order and sign convention may still be undecided. */
export interface DraftRow {
  line: number;
  dateText: string;
  date: DateToken;
  description: string;
  payee: string;
  cents: number;
  signed: boolean;
  positiveMark: boolean;
  marked: boolean;
  category?: string;
  raw: string;
  /** The balance column's cell on this row ("" when the file has none). */
  balanceText: string;
}

export type RecordOutcome =
  | { kind: "draft"; row: DraftRow }
  | { kind: "continuation"; text: string; raw: string }
  | { kind: "error"; error: RowError }
  | { kind: "skip"; skipped: SkippedLine }
  | { kind: "blank" };

// What banks write in the date (or status) column of transactions they have not booked yet.
const isPending = (cell: string) => cell !== "" && PENDING_WORDS.has(cell.toLowerCase());

/** Line breaks inside a quoted description are layout, not meaning. */
function oneLine(text: string): string {
  return text.includes("\n") ? text.replace(/\s*\n\s*/g, " ") : text;
}

export class RowReader {
  constructor(
    private readonly mapping: ColumnMapping,
    private readonly headers: string[],
    private readonly decimal: DecimalSeparator,
  ) {}

  columnName(index: number): string {
    const header = this.headers[index]?.trim();
    return header ? header : `column ${index + 1}`;
  }

  read(record: CsvRecord): RecordOutcome {
    const { fields, line } = record;
    if (fields.every((f) => f.trim() === "")) return { kind: "blank" };
    const cell = (index: number | null) => (index === null ? "" : (fields[index] ?? "").trim());
    const dateText = cell(this.mapping.date);
    const payee = oneLine(cell(this.mapping.payee));
    // Exports with a payee column sometimes leave the memo empty; the payee then describes the row.
    const description =
      this.mapping.description
        .map((i) => oneLine(cell(i)))
        .filter((t) => t !== "")
        .join(" · ") || payee;
    const amount = readAmount(fields, this.mapping, this.decimal);
    const firstText = fields.find((f) => f.trim() !== "")!.trim();
    const summary = description || dateText || firstText;
    // Opening/closing balances, totals, turnover: a row of the statement, not a transaction.
    const date = dateText === "" ? null : readDate(dateText);
    const summaryText = this.summaryText(
      description,
      dateText,
      firstText,
      date === null || amount.kind !== "value",
    );
    if (summaryText !== null) {
      return {
        kind: "skip",
        skipped: { line, reason: `a summary line (${quoted(summaryText)}), not a transaction` },
      };
    }
    const status = cell(this.mapping.status);
    if (isPending(status)) {
      return {
        kind: "skip",
        skipped: {
          line,
          reason: `a pending transaction (${quoted(summary)}, status ${quoted(status)}); it will be imported once the bank books it`,
        },
      };
    }

    if (dateText === "" || isPending(dateText)) {
      if (amount.kind === "empty") {
        if (dateText !== "")
          return { kind: "skip", skipped: { line, reason: "a pending line without an amount" } };
        const text =
          description ||
          fields
            .map((f) => f.trim())
            .filter((f) => f !== "")
            .join(" ");
        return { kind: "continuation", text, raw: record.raw };
      }
      return {
        kind: "skip",
        skipped: {
          line,
          reason: `a pending transaction without a booking date (${quoted(summary)}); it will be imported once the bank books it`,
        },
      };
    }
    if (date === null) {
      return this.error(
        line,
        this.mapping.date,
        `${quoted(dateText)} is not a date; write it like 2024-03-18, 18.03.2024 or 03/18/2024, or fix the date column in the mapping`,
      );
    }
    if (amount.kind === "invalid") {
      return this.error(line, amount.column, `${amount.message}; write the amount like 1234.56 or -1.234,56`);
    }
    if (amount.kind === "empty") {
      const where = this.mapping.amount !== null ? "the amount is empty" : "both debit and credit are empty";
      return this.error(
        line,
        this.mapping.amount ?? this.mapping.debit ?? this.mapping.credit,
        `${where}; fill in the amount or delete the row`,
      );
    }
    const category = this.mapping.category === null ? undefined : cell(this.mapping.category) || undefined;
    const row: DraftRow = {
      line,
      dateText,
      date,
      description,
      payee,
      cents: amount.cents,
      signed: amount.signed,
      positiveMark: amount.positiveMark,
      marked: amount.marked,
      raw: record.raw,
      balanceText: cell(this.mapping.balance),
    };
    if (category !== undefined) row.category = category;
    return { kind: "draft", row };
  }

  /** A balance cell in cents (read only for the rows that give the closing balance). */
  balanceCents(text: string): number | null {
    if (text === "") return null;
    const parsed = parseMoney(text, { decimalSeparator: this.decimal });
    return parsed.ok ? parsed.cents : null;
  }

  /**
   * The text that makes this row a summary line, or null: an opening/closing balance or turnover
   * phrase in the description or date cell, or a "Total"/"Saldo" word on a row whose shape is odd
   * (no date or no amount) — "TOTAL ENERGIES" with a date and an amount is a fuel purchase.
   */
  private summaryText(description: string, dateText: string, firstText: string, odd: boolean): string | null {
    if (mayBeSummary(description) && SUMMARY_START.test(description)) return description;
    if (mayBeSummary(dateText) && SUMMARY_START.test(dateText)) return dateText;
    if (!odd) return null;
    if (mayBeSummary(dateText) && SUMMARY_WEAK.test(dateText)) return description || dateText;
    if (mayBeSummary(firstText) && SUMMARY_WEAK.test(firstText)) return description || dateText || firstText;
    return null;
  }

  private error(line: number, column: number | null, message: string): RecordOutcome {
    return {
      kind: "error",
      error: {
        line,
        column: column === null ? null : this.columnName(column),
        message: `Line ${line}${column === null ? "" : `, column "${this.columnName(column)}"`}: ${message}.`,
      },
    };
  }
}
