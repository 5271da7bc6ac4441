/**
 * Reading a table's columns from what its cells hold. Every column of the sampled data rows
 * is profiled (profile.ts); the date column is the one that is nearly always a plausible,
 * varying date; the amounts are read every way the content allows — one signed column, one
 * unsigned column with a debit/credit marker column, or an in/out pair whose cells are never
 * both non-zero — and each reading is checked against any balance column (balance.ts). Header
 * words (lexicon.ts) add small bonuses that only break ties. When two readings stay close,
 * or nothing says which way money moves, the confidence is low and the caller asks.
 */
import type { DecimalSeparator } from "../money.js";
import { type BalanceCheck, balanceVerifies, checkBalance } from "./balance.js";
import { classifyHeader } from "./columns.js";
import { orderEvidence, readDate, toIsoDate } from "./dates.js";
import type { HeaderRole } from "./lexicon.js";
import { CREDIT_MARKS, DEBIT_MARKS } from "./lexicon.js";
import { amountCents, type ColumnProfile, type DateWindow, profileColumns } from "./profile.js";
import type { ColumnMapping } from "./types.js";

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

export interface ColumnInference {
  mapping: ColumnMapping;
  reading: AmountReading;
  /** Other readings that fit the content, best first (for the mapping step's choices). */
  alternatives: AmountReading[];
  /** 0..1; below ASK_BELOW the upload asks the user to confirm the mapping. */
  confidence: number;
  /** Why the confidence is not high, one sentence each. */
  reasons: string[];
}

/** Below this the reading is shown to a person before anything is imported. */
export const ASK_BELOW = 0.6;
// The gap in score below which two different readings of the money count as a tie.
const TIE = 0.35;
const MAX_AMOUNT_CANDIDATES = 12;

type Hint = { role: HeaderRole; priority: number } | null;

const columnName = (headers: string[], c: number) =>
  headers[c]?.trim() ? `"${headers[c]!.trim()}"` : `column ${c + 1}`;

export function inferColumns(
  rows: ReadonlyArray<ReadonlyArray<string>>,
  headers: string[],
  window: DateWindow,
  decimal: DecimalSeparator,
): ColumnInference | null {
  const width = Math.max(headers.length, ...rows.map((r) => r.length));
  const profiles = profileColumns(rows, width, window, decimal);
  const hints: Hint[] = profiles.map((p) => (headers[p.index] ? classifyHeader(headers[p.index]!) : null));
  const few = rows.length < 3;
  // With a single row every column is "constant"; from two rows on, a constant is not a transaction field.
  const single = rows.length < 2;
  const reasons: string[] = [];

  const date = pickDate(profiles, hints, single);
  if (date === null) return null;
  // Nine in ten cells must be amounts; from five cells on, one stray cell (a shifted field) is allowed.
  const needed = (p: ColumnProfile) => {
    const cells = Math.round(p.filled * rows.length);
    return cells >= 5 ? Math.min(0.9, 1 - 1 / cells) : 0.9;
  };
  const usable = (p: ColumnProfile) =>
    p.index !== date &&
    p.filled > 0 &&
    p.amounts >= needed(p) &&
    (single || p.distinct >= 2 || p.filled <= 0.5);
  // Readings grow with the square of the candidates and each is checked against every other
  // column: keep the likeliest dozen so a wide numeric sheet cannot stall an upload.
  const amountLike = profiles
    .filter(usable)
    .sort((a, b) => b.amounts * b.filled + b.decimals - (a.amounts * a.filled + a.decimals))
    .slice(0, MAX_AMOUNT_CANDIDATES)
    .sort((a, b) => a.index - b.index);
  // A debit or credit column the header names may be empty in a short export (no deposits yet).
  const emptyHalves = profiles.filter(
    (p) => p.filled === 0 && (hints[p.index]?.role === "debit" || hints[p.index]?.role === "credit"),
  );
  const order = dateDirection(rows, date);
  const readings = amountReadings(
    rows,
    profiles,
    amountLike,
    emptyHalves,
    hints,
    headers,
    decimal,
    few,
    order,
  );
  if (readings.length === 0) return null;
  readings.sort((a, b) => b.score - a.score);
  const best = readings[0]!;
  const rival = readings.find((r) => !sameMoney(r, best) && best.score - r.score < TIE);

  let confidence = best.verified ? 0.98 : 0.9;
  if (rival) {
    confidence = 0.45;
    reasons.push(
      `The amounts can be read as ${best.label} or as ${rival.label}, and nothing in the file decides between them.`,
    );
  }
  const bestProfile = best.amount === null ? null : profiles[best.amount]!;
  // A CR-marked payment among unsigned charges says the direction too (a card statement).
  if (bestProfile && best.marker === null && bestProfile.signs === 0 && !best.verified && !few) {
    confidence = Math.min(confidence, 0.5);
    reasons.push(
      `Every amount in ${columnName(headers, best.amount!)} is positive and no column says which are money out.`,
    );
  }
  if (few && !best.verified && !hasMoneyHint(best, hints)) {
    confidence = Math.min(confidence, 0.5);
    reasons.push("The file has too few rows to recognise its columns by their contents alone.");
  }
  if (!dateOrderSettled(rows, date)) {
    confidence = Math.min(confidence, 0.55);
    reasons.push(
      `No date in ${columnName(headers, date)} has a day above 12, so day/month and month/day orders both fit.`,
    );
  }

  const taken = new Set([date, best.amount, best.debit, best.credit, best.marker, best.balance]);
  const text = pickText(profiles, hints, taken);
  const hinted = (role: HeaderRole) => {
    const i = hints.findIndex((h, c) => h?.role === role && !taken.has(c));
    return i < 0 ? null : i;
  };
  const payee = hinted("payee");
  const status = profiles.find((p) => p.pending && p.index !== text && p.index !== payee)?.index ?? null;
  return {
    mapping: {
      date,
      description: text === null ? [] : [text],
      payee: payee === text ? null : payee,
      amount: best.amount,
      debit: best.debit,
      credit: best.credit,
      category: hinted("category"),
      marker: best.marker,
      balance: best.balance,
      status,
    },
    reading: best,
    alternatives: readings.filter((r) => r !== best && !sameMoney(r, best)).slice(0, 3),
    confidence,
    reasons,
  };
}

function pickDate(profiles: ColumnProfile[], hints: Hint[], single: boolean): number | null {
  let best: { index: number; score: number } | null = null;
  for (const p of profiles) {
    const share = p.dates * p.filled;
    if (share < 0.8) continue;
    const hint = hints[p.index];
    let score = share + (p.distinct >= 2 || single ? 0.5 : -1) - p.index * 0.01;
    if (hint?.role === "date") score += 0.1 * hint.priority;
    if (hint?.role === "other") score -= 0.3;
    if (best === null || score > best.score) best = { index: p.index, score };
  }
  return best?.index ?? null;
}

function amountReadings(
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

function sameMoney(a: AmountReading, b: AmountReading): boolean {
  return a.amount === b.amount && a.debit === b.debit && a.credit === b.credit && a.marker === b.marker;
}

function hasMoneyHint(r: AmountReading, hints: Hint[]): boolean {
  const role = (c: number | null) => (c === null ? null : (hints[c]?.role ?? null));
  return role(r.amount) === "amount" || (role(r.debit) === "debit" && role(r.credit) === "credit");
}

/** The description: a header's word decides among text columns, else the wordiest varying one. */
function pickText(profiles: ColumnProfile[], hints: Hint[], taken: Set<number | null>): number | null {
  let best: { index: number; score: number } | null = null;
  for (const p of profiles) {
    if (taken.has(p.index) || p.text < 0.5 || p.filled === 0 || p.marks > 0.5) continue;
    const hint = hints[p.index];
    let score = p.text * p.filled * Math.log(p.averageLength + 1) * Math.min(1, p.distinct / 3);
    if (hint?.role === "description") score += 10 * hint.priority;
    if (hint?.role === "payee") score += 1;
    if (hint && ["other", "balance", "category"].includes(hint.role)) score -= 5;
    if (best === null || score > best.score) best = { index: p.index, score };
  }
  return best?.index ?? null;
}

type DateDirection = "ascending" | "descending" | null;

/** Whether the rows run oldest or newest first; null when the dates do not say (one day, shuffled). */
function dateDirection(rows: ReadonlyArray<ReadonlyArray<string>>, date: number): DateDirection {
  let up = 0;
  let down = 0;
  let previous: string | null = null;
  for (const row of rows) {
    const token = readDate((row[date] ?? "").trim());
    if (token === null) continue;
    const iso = toIsoDate(token, "DMY");
    const key = typeof iso === "string" ? iso : toIsoDate(token, "MDY");
    if (typeof key !== "string") continue;
    if (previous !== null && key > previous) up++;
    if (previous !== null && key < previous) down++;
    previous = key;
  }
  if (up > down * 2) return "ascending";
  return down > up * 2 ? "descending" : null;
}

/** A date with a day above 12, a dotted date, or an unambiguous spelling settles the order. */
function dateOrderSettled(rows: ReadonlyArray<ReadonlyArray<string>>, date: number): boolean {
  let numeric = false;
  for (const row of rows) {
    const token = readDate((row[date] ?? "").trim());
    if (token === null) continue;
    if (token.kind !== "numeric" || token.dotted || orderEvidence(token) !== null) return true;
    numeric = true;
  }
  return !numeric;
}
