import { type DecimalSeparator, parseMoney } from "../money.js";
import { CREDIT_MARKS, DEBIT_MARKS } from "./lexicon.js";
import type { ColumnMapping } from "./types.js";

export type RowAmount =
  | {
      kind: "value";
      cents: number;
      /** The text carried a sign, a marker, or came from debit/credit columns. */
      signed: boolean;
      /** A credit marked as such (CR, "+"): the sign of a card statement's payments. */
      positiveMark: boolean;
      /** The direction was stated in words (CR/DR, a marker column, debit/credit columns), not by a sign. */
      marked: boolean;
    }
  | { kind: "empty" }
  | { kind: "invalid"; column: number; message: string };

/** The signed amount of a record from a single amount column or debit/credit columns. */
export function readAmount(fields: string[], mapping: ColumnMapping, decimal: DecimalSeparator): RowAmount {
  const cell = (index: number | null) => (index === null ? "" : (fields[index] ?? "").trim());
  if (mapping.amount !== null) {
    const text = cell(mapping.amount);
    if (text === "") return { kind: "empty" };
    const parsed = parseMoney(text, { decimalSeparator: decimal });
    if (!parsed.ok) return { kind: "invalid", column: mapping.amount, message: parsed.message };
    const mark = cell(mapping.marker).toLowerCase();
    if (parsed.marker === null && CREDIT_MARKS.has(mark)) {
      return { kind: "value", cents: Math.abs(parsed.cents), signed: true, positiveMark: true, marked: true };
    }
    if (parsed.marker === null && DEBIT_MARKS.has(mark)) {
      return {
        kind: "value",
        cents: -Math.abs(parsed.cents),
        signed: true,
        positiveMark: false,
        marked: true,
      };
    }
    const positiveMark = parsed.marker === "CR" || (parsed.signed && parsed.cents > 0);
    return {
      kind: "value",
      cents: parsed.cents,
      signed: parsed.signed,
      positiveMark,
      marked: parsed.marker !== null,
    };
  }
  // Debit/credit columns: the column says the direction; some banks still write a minus.
  const debitText = cell(mapping.debit);
  const creditText = cell(mapping.credit);
  if (debitText === "" && creditText === "") return { kind: "empty" };
  let cents = 0;
  for (const [index, text, sign] of [
    [mapping.debit, debitText, -1],
    [mapping.credit, creditText, 1],
  ] as const) {
    if (text === "" || index === null) continue;
    const parsed = parseMoney(text, { decimalSeparator: decimal });
    if (!parsed.ok) return { kind: "invalid", column: index, message: parsed.message };
    cents += sign * Math.abs(parsed.cents);
  }
  return { kind: "value", cents, signed: true, positiveMark: false, marked: true };
}

/**
 * Decides the decimal separator of a file's amount columns from sample cells: a separator
 * followed by one or two digits at the end is decimal. When no cell tells (all whole
 * amounts), `;`-delimited files are continental and use the comma.
 */
export function inferDecimalSeparator(samples: string[], delimiter: string): DecimalSeparator {
  let comma = 0;
  let dot = 0;
  for (const sample of samples) {
    const digits = sample.replace(/[^\d.,]/g, "");
    const m = /([.,])(\d+)$/.exec(digits);
    if (!m || m[2]!.length > 2) continue;
    if (m[1] === ",") comma++;
    else dot++;
  }
  if (comma !== dot) return comma > dot ? "," : ".";
  return delimiter === ";" ? "," : ".";
}
