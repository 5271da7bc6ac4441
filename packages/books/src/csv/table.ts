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
import { classifyHeader } from "./columns.js";
import { type DateToken, orderEvidence, readDate, toIsoDate } from "./dates.js";
import type { HeaderRole } from "./lexicon.js";
import { type ColumnProfile, type DateWindow, profileColumns } from "./profile.js";
import {
  type AmountReading,
  amountReadings,
  columnName,
  type DateDirection,
  type Hint,
  hasMoneyHint,
  sameMoney,
} from "./readings.js";
import type { ColumnMapping } from "./types.js";

export type { AmountReading } from "./readings.js";

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
  const tokens: DateToken[] = [];
  for (const row of rows) {
    const token = readDate((row[date] ?? "").trim());
    if (token === null) continue;
    if (token.kind !== "numeric" || token.dotted || orderEvidence(token) !== null) return true;
    tokens.push(token);
  }
  // Exports are sorted: when one order runs the dates in sequence and the other does not, it decides
  // (as the finalizer will); a tie leaves day/month open.
  return tokens.length === 0 || disorder(tokens, "DMY") !== disorder(tokens, "MDY");
}

function disorder(tokens: DateToken[], order: "DMY" | "MDY"): number {
  let up = 0;
  let down = 0;
  let previous: string | null = null;
  for (const token of tokens) {
    const iso = toIsoDate(token, order);
    if (typeof iso !== "string") return Number.POSITIVE_INFINITY;
    if (previous !== null && iso > previous) up++;
    if (previous !== null && iso < previous) down++;
    previous = iso;
  }
  return Math.min(up, down);
}
