import { readFileSync } from "node:fs";
import { orderEvidence, readDate, toIsoDate } from "../csv/dates.js";
import type { DateOrder } from "../csv/types.js";
import type { LabeledTxn } from "./evaluate.js";
import { parseAmountCents, readCsv } from "./read-csv.js";

export interface LabeledColumns {
  description: string;
  label: string;
  date: string;
  payee?: string | undefined;
  /** The amount; without it, a column named "amount" (any case) when the file has one. */
  amount?: string | undefined;
  /**
   * A column that says the direction (debit/credit, withdrawal/deposit, DR/CR, out/in, -/+), for files
   * whose amounts are all positive. The amount's size is kept and its sign taken from this column.
   */
  amountSign?: string | undefined;
  /** For a/b/yyyy dates no row can tell apart (every day ≤ 12). Default: read from the file, else MDY. */
  dateOrder?: DateOrder | undefined;
}

const MONEY_OUT = new Set([
  "debit",
  "dr",
  "d",
  "out",
  "-",
  "withdrawal",
  "payment",
  "purchase",
  "expense",
  "charge",
]);
const MONEY_IN = new Set(["credit", "cr", "c", "in", "+", "deposit", "income", "refund"]);

/** A labeled file refused, with the line (1-based, as an editor shows it) and what to do. */
export class LabeledFileError extends Error {
  override name = "LabeledFileError";
}

/**
 * Reads a labeled CSV for the evaluation. Column names match case-insensitively; dates go through the
 * CSV importer's own reader (so `3/14/2024` is March 14th, not text that sorts after `12/1/2024`), and a
 * date that does not parse refuses the file naming its line, because a silently misplaced row would
 * put the future in the training split.
 */
export function loadLabeled(file: string, cols: LabeledColumns): LabeledTxn[] {
  return parseLabeled(readFileSync(file, "utf8"), cols, file);
}

export function parseLabeled(text: string, cols: LabeledColumns, file = "the file"): LabeledTxn[] {
  const [header, ...rows] = readCsv(text);
  if (!header) throw new LabeledFileError(`${file} is empty: expected a header row and labeled transactions`);
  const names = header.map((h) => h.trim().toLowerCase());
  const at = (name: string | undefined, role: string) => {
    if (name === undefined) return -1;
    const i = names.indexOf(name.trim().toLowerCase());
    if (i < 0)
      throw new LabeledFileError(
        `no column "${name}" for --${role} in ${file}; the header has: ${header.join(", ")}`,
      );
    return i;
  };
  const d = at(cols.description, "description");
  const l = at(cols.label, "label");
  const t = at(cols.date, "date");
  const p = at(cols.payee, "payee");
  const a = cols.amount ? at(cols.amount, "amount") : names.indexOf("amount");
  const s = at(cols.amountSign, "amount-sign");
  // Line numbers: the header is line 1; readCsv drops blank lines, which labeled files rarely have.
  const labeled = rows.map((r, i) => ({ r, line: i + 2 })).filter(({ r }) => (r[l] ?? "").trim() !== "");

  const tokens = labeled.map(({ r, line }) => {
    const cell = (r[t] ?? "").trim();
    const token = readDate(cell);
    if (!token)
      throw new LabeledFileError(
        `line ${line}: the ${header[t]} "${cell}" is not a date; fix the cell or remove the row`,
      );
    return token;
  });
  const order = cols.dateOrder ?? fileDateOrder(tokens.map(orderEvidence), labeled, header[t] ?? "date");

  return labeled.map(({ r, line }, i) => {
    const iso = toIsoDate(tokens[i]!, order);
    if (typeof iso !== "string")
      throw new LabeledFileError(`line ${line}: the ${header[t]} "${r[t]}" ${iso.message}; fix the cell`);
    let cents = a >= 0 ? parseAmountCents(r[a] ?? "") : Number.NaN;
    if (a >= 0 && Number.isNaN(cents))
      throw new LabeledFileError(`line ${line}: the ${header[a]} "${r[a]}" is not an amount; fix the cell`);
    if (s >= 0 && !Number.isNaN(cents)) {
      const word = (r[s] ?? "").trim().toLowerCase();
      if (MONEY_OUT.has(word)) cents = -Math.abs(cents);
      else if (MONEY_IN.has(word)) cents = Math.abs(cents);
      else
        throw new LabeledFileError(
          `line ${line}: the ${header[s]} "${r[s]}" does not say a direction; use debit/credit, withdrawal/deposit, DR/CR or -/+`,
        );
    }
    return {
      txn: {
        id: String(i),
        date: iso,
        description: r[d] ?? "",
        payee: p >= 0 ? r[p] || null : null,
        // Without any amount the models still need a direction: money out is the common case.
        amountCents: Number.isNaN(cents) ? -1 : cents,
      },
      accountId: (r[l] ?? "").trim(),
    };
  });
}

function fileDateOrder(
  evidence: (DateOrder | null)[],
  labeled: { line: number }[],
  column: string,
): DateOrder {
  const first: Partial<Record<DateOrder, number>> = {};
  evidence.forEach((e, i) => {
    if (e && first[e] === undefined) first[e] = labeled[i]!.line;
  });
  if (first.DMY !== undefined && first.MDY !== undefined)
    throw new LabeledFileError(
      `the ${column} column mixes day-first (line ${first.DMY}) and month-first (line ${first.MDY}) dates; pass --date-order DMY or MDY after fixing the file`,
    );
  return first.DMY !== undefined ? "DMY" : "MDY";
}
