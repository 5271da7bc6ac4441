/**
 * The ways a table's money can be read — one signed column, one unsigned column with a
 * debit/credit marker column, or an in/out pair never both non-zero — each scored from the
 * columns' profiles and header hints, and checked against every other amount column as a
 * running balance (balance.ts). table.ts picks among them.
 */
import type { DecimalSeparator } from "../money.js";
import { type BalanceCheck, balanceVerifies, checkBalance } from "./balance.js";
import type { HeaderRole } from "./lexicon.js";
import { CREDIT_MARKS, DEBIT_MARKS } from "./lexicon.js";
import { amountCents, type ColumnProfile } from "./profile.js";

/** One way of reading the money of each row. */
export interface AmountReading {
  amount: number | null;
  debit: number | null;
  credit: number | null;
  marker: number | null;
  score: number;
  balance: number | null;
  check: BalanceCheck | null;
  verified: boolean;
  /** For people: "amount in column 5", "money out in column 3, money in in column 4". */
  label: string;
}

export type Hint = { role: HeaderRole; priority: number } | null;
/** The file's order by its dates (table.ts's dateDirection); it tells the balance check which layouts apply. */
export type DateDirection = "ascending" | "descending" | null;

export const columnName = (headers: string[], c: number) =>
  headers[c]?.trim() ? `"${headers[c]!.trim()}"` : `column ${c + 1}`;

export function amountReadings(
  rows: ReadonlyArray<ReadonlyArray<string>>,
  profiles: ColumnProfile[],
  amountLike: ColumnProfile[],
  emptyHalves: ColumnProfile[],
  hints: Hint[],
  headers: string[],
  decimal: DecimalSeparator,
  few: boolean,
  order: DateDirection,
): AmountReading[] {
  const cents = (c: number) => rows.map((r) => amountCents((r[c] ?? "").trim(), decimal));
  const column = new Map(amountLike.map((p) => [p.index, cents(p.index)]));
  for (const p of emptyHalves) column.set(p.index, cents(p.index));
  const halves = [...amountLike, ...emptyHalves];
  const markers = profiles.filter((p) => p.marks >= 0.9 && p.filled >= 0.9 && p.distinct <= 4);
  const readings: AmountReading[] = [];
  const hintScore = (c: number, wanted: HeaderRole[], against: HeaderRole[]) => {
    const h = hints[c];
    if (!h) return 0;
    if (wanted.includes(h.role)) return 0.15 * Math.max(1, h.priority);
    return against.includes(h.role) ? -0.5 : 0;
  };

  for (const p of amountLike) {
    if (p.filled < 0.8) continue;
    // Amounts have cents somewhere and rarely repeat; codes (10, 20, 86) and counts do neither.
    const spread = Math.min(1, p.distinct / Math.max(1, rows.length * p.filled));
    let score =
      p.amounts * p.filled +
      0.3 * p.decimals +
      0.3 * spread -
      (p.decimals === 0 ? 0.2 : 0) +
      (p.negatives > 0 ? 0.2 : 0) -
      0.01 * p.index;
    if (p.zeros > 0.3) score -= p.zeros;
    score += hintScore(p.index, ["amount"], ["balance", "other", "debit", "credit", "date"]);
    const values = column.get(p.index)!;
    readings.push(
      finish(
        { amount: p.index, debit: null, credit: null, marker: null, score },
        values,
        column,
        few,
        headers,
        order,
      ),
    );
    if (p.negatives < 0.05) {
      for (const m of markers) {
        const signs = rows.map((r) => markSign((r[m.index] ?? "").trim()));
        const marked = values.map((v, i) => (v === null ? null : Math.abs(v) * (signs[i] ?? 1)));
        readings.push(
          finish(
            { amount: p.index, debit: null, credit: null, marker: m.index, score: score + 0.5 },
            marked,
            column,
            few,
            headers,
            order,
          ),
        );
      }
    }
  }
  for (const x of halves) {
    for (const y of halves) {
      if (x.index === y.index || (x.filled === 0 && y.filled === 0)) continue;
      const xs = column.get(x.index)!;
      const ys = column.get(y.index)!;
      let one = 0;
      let any = 0;
      for (let i = 0; i < rows.length; i++) {
        const a = xs[i] ?? 0;
        const b = ys[i] ?? 0;
        if (a !== 0 || b !== 0) any++;
        if ((a !== 0) !== (b !== 0)) one++;
      }
      if (any === 0 || one < any * 0.9 || any < rows.length * 0.8) continue;
      // debit = x (money out), credit = y (money in).
      let score = 1.2 + 0.15 * (x.decimals + y.decimals) - 0.005 * (x.index + y.index);
      score += hintScore(x.index, ["debit"], ["credit"]) + hintScore(y.index, ["credit"], ["debit"]);
      if (x.negatives > 0 && y.negatives === 0) score += 0.4;
      if (y.negatives > 0 && x.negatives === 0) score -= 0.4;
      const values = xs.map((a, i) => {
        const b = ys[i] ?? null;
        if (a === null && b === null) return null;
        return Math.abs(b ?? 0) - Math.abs(a ?? 0);
      });
      readings.push(
        finish(
          { amount: null, debit: x.index, credit: y.index, marker: null, score },
          values,
          column,
          few,
          headers,
          order,
        ),
      );
    }
  }
  return readings;
}

function finish(
  base: Pick<AmountReading, "amount" | "debit" | "credit" | "marker" | "score">,
  values: Array<number | null>,
  columns: Map<number, Array<number | null>>,
  few: boolean,
  headers: string[],
  order: DateDirection,
): AmountReading {
  let best: { balance: number; check: BalanceCheck } | null = null;
  for (const [c, balances] of columns) {
    if (c === base.amount || c === base.debit || c === base.credit) continue;
    const check = checkBalance(values, balances, order);
    if (check && (best === null || check.matching > best.check.matching)) best = { balance: c, check };
  }
  const verified = best !== null && balanceVerifies(best.check);
  const name = (c: number) => columnName(headers, c);
  const label =
    base.amount !== null
      ? `amounts in ${name(base.amount)}${base.marker === null ? "" : ` with the direction in ${name(base.marker)}`}`
      : `money out in ${name(base.debit!)} and money in in ${name(base.credit!)}`;
  // A balance that a reading explains is not a candidate amount of its own: say which one it is.
  const usableBalance = best && (verified || (!few && best.check.matching >= best.check.steps * 0.5));
  return {
    ...base,
    score: base.score + (verified ? 2 : 0),
    balance: usableBalance ? best!.balance : null,
    check: best?.check ?? null,
    verified,
    label,
  };
}

function markSign(cell: string): number {
  const lower = cell.toLowerCase();
  if (DEBIT_MARKS.has(lower)) return -1;
  return CREDIT_MARKS.has(lower) ? 1 : 1;
}

export function sameMoney(a: AmountReading, b: AmountReading): boolean {
  return a.amount === b.amount && a.debit === b.debit && a.credit === b.credit && a.marker === b.marker;
}

export function hasMoneyHint(r: AmountReading, hints: Hint[]): boolean {
  const role = (c: number | null) => (c === null ? null : (hints[c]?.role ?? null));
  return role(r.amount) === "amount" || (role(r.debit) === "debit" && role(r.credit) === "credit");
}
