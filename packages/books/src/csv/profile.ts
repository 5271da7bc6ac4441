/**
 * What each column of a sample of data rows holds, measured from the cells alone: how many
 * read as dates (and whether they vary and fall in a plausible window), as amounts (with
 * decimals, signs, zeros), as free text, as debit/credit markers, as pending markers. The
 * inference in table.ts scores column roles from these profiles; headers only break ties.
 */
import { type DecimalSeparator, parseMoney } from "../money.js";
import { type DateToken, readDate, toIsoDate } from "./dates.js";
import { CREDIT_MARKS, DEBIT_MARKS, PENDING_WORDS } from "./lexicon.js";

export interface ColumnProfile {
  index: number;
  /** Data rows with a non-empty cell here, as a share of all sampled data rows. */
  filled: number;
  /** Of the filled cells: dates that are real calendar dates inside the plausible window. */
  dates: number;
  /** Of the filled cells: amounts of money (not dates, not identifiers). */
  amounts: number;
  /** Of the amount cells: written with one or two fraction digits. */
  decimals: number;
  /** Of the amount cells: negative (minus, parentheses, DR). */
  negatives: number;
  /** Of the amount cells: written with a sign or a CR/DR mark (so the file says each direction). */
  signs: number;
  /** Of the amount cells: zero. */
  zeros: number;
  /** Of the filled cells: containing a word (two letters in a row). */
  text: number;
  /** Of the filled cells: a debit or credit marker word. */
  marks: number;
  /** Distinct non-empty values. */
  distinct: number;
  averageLength: number;
  /** Some cell says the row is not booked yet (PENDING, vorgemerkt). */
  pending: boolean;
}

/** Dates outside this window are not a bank statement's booking dates (or are misread). */
export interface DateWindow {
  from: string;
  to: string;
}

export function plausibleWindow(now: Date): DateWindow {
  const next = new Date(now.getTime() + 366 * 86_400_000);
  return { from: "1970-01-01", to: next.toISOString().slice(0, 10) };
}

/** An identifier (account number, reference) that happens to be digits: never an amount. */
export function isIdentifier(cell: string): boolean {
  const s = cell.replace(/^[+-]/, "");
  return /^\d+$/.test(s) && (s.length >= 9 || (s.length > 1 && s.startsWith("0")));
}

/** The cell as a date inside the window, under any day/month order, or null. */
export function windowDate(cell: string, window: DateWindow): DateToken | null {
  const token = readDate(cell);
  if (token === null) return null;
  for (const order of ["DMY", "MDY", "YMD"] as const) {
    const iso = toIsoDate(token, order);
    if (typeof iso === "string" && iso >= window.from && iso <= window.to) return token;
  }
  return null;
}

/** The cents of an amount cell, or null when the cell is not an amount. */
export function amountCents(cell: string, decimal: DecimalSeparator | undefined): number | null {
  return amountParse(cell, decimal)?.cents ?? null;
}

function amountParse(
  cell: string,
  decimal: DecimalSeparator | undefined,
): { cents: number; signed: boolean } | null {
  if (!/\d/.test(cell) || isIdentifier(cell) || readDate(cell) !== null) return null;
  const parsed = parseMoney(cell, decimal ? { decimalSeparator: decimal } : {});
  return parsed.ok ? parsed : null;
}

const WORD = /\p{L}{2}/u;
const DECIMALS = /\d[.,]\d{1,2}(?!\d)\s*(?:[A-Za-z]{0,3}|\p{Sc})?\s*[-+)]?$/u;

export function profileColumns(
  rows: ReadonlyArray<ReadonlyArray<string>>,
  width: number,
  window: DateWindow,
  decimal: DecimalSeparator,
): ColumnProfile[] {
  const profiles: ColumnProfile[] = [];
  for (let c = 0; c < width; c++) {
    let filled = 0;
    let dates = 0;
    let amounts = 0;
    let decimals = 0;
    let negatives = 0;
    let signs = 0;
    let zeros = 0;
    let text = 0;
    let marks = 0;
    let length = 0;
    let pending = false;
    const values = new Set<string>();
    for (const row of rows) {
      const cell = (row[c] ?? "").trim();
      if (cell === "") continue;
      filled++;
      length += cell.length;
      values.add(cell);
      const lower = cell.toLowerCase();
      if (PENDING_WORDS.has(lower)) pending = true;
      if (CREDIT_MARKS.has(lower) || DEBIT_MARKS.has(lower)) marks++;
      if (windowDate(cell, window) !== null) dates++;
      const parsed = amountParse(cell, decimal);
      const cents = parsed?.cents ?? null;
      if (cents !== null) {
        amounts++;
        if (parsed?.signed) signs++;
        if (DECIMALS.test(cell)) decimals++;
        if (cents < 0) negatives++;
        if (cents === 0) zeros++;
      }
      if (WORD.test(cell)) text++;
    }
    const of = (n: number, total: number) => (total === 0 ? 0 : n / total);
    profiles.push({
      index: c,
      filled: of(filled, rows.length),
      dates: of(dates, filled),
      amounts: of(amounts, filled),
      decimals: of(decimals, amounts),
      negatives: of(negatives, amounts),
      signs: of(signs, amounts),
      zeros: of(zeros, amounts),
      text: of(text, filled),
      marks: of(marks, filled),
      distinct: values.size,
      averageLength: of(length, filled),
      pending,
    });
  }
  return profiles;
}
