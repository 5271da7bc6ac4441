import type { DateOrder } from "./types.js";

/** A date cell read without deciding day/month order yet. */
export type DateToken =
  | { kind: "exact"; y: number; m: number; d: number }
  /** a/b/year with order unknown; `dotted` when written D.M.Y, which no one uses for M.D.Y. */
  | { kind: "numeric"; a: number; b: number; y: number; dotted: boolean; yearText: string };

const MONTHS: Record<string, number> = {
  jan: 1,
  ene: 1,
  gen: 1,
  feb: 2,
  fev: 2,
  mar: 3,
  mrz: 3,
  apr: 4,
  abr: 4,
  avr: 4,
  may: 5,
  mai: 5,
  mag: 5,
  jun: 6,
  juin: 6,
  giu: 6,
  jul: 7,
  juil: 7,
  lug: 7,
  aug: 8,
  ago: 8,
  aou: 8,
  sep: 9,
  set: 9,
  oct: 10,
  okt: 10,
  ott: 10,
  nov: 11,
  dec: 12,
  dez: 12,
  dic: 12,
};

function monthNumber(name: string): number | undefined {
  const n = name
    .normalize("NFKD")
    .replace(/[^a-z]/gi, "")
    .toLowerCase();
  return MONTHS[n.slice(0, 4)] ?? MONTHS[n.slice(0, 3)];
}

function fullYear(text: string): number {
  const y = Number(text);
  if (text.length === 4) return y;
  return y < 70 ? 2000 + y : 1900 + y; // two-digit years: bank exports are recent
}

const TIME_SUFFIX =
  /(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:z|[+-]\d{2}:?\d{2})?)$/i;

/** Reads a date cell; null when it is not a date in any format banks use. */
export function readDate(cell: string): DateToken | null {
  const s = cell.trim().replace(TIME_SUFFIX, "").trim();
  // Year first, as ISO or Hungarian "2024.01.15." (a trailing dot is part of the spelling).
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\.?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return { kind: "exact", y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  m = /^(\d{1,2})([-/. ])(\d{1,2})\2(\d{4}|\d{2})\.?$/.exec(s);
  if (m) {
    const [a, b, yearText] = [Number(m[1]), Number(m[3]), m[4]!];
    return { kind: "numeric", a, b, y: fullYear(yearText), dotted: m[2] === ".", yearText };
  }
  m = /^(\d{1,2})\.?[-/ ]*([a-zà-ü]{3,9})\.?[-/ ,]*(\d{4}|\d{2})$/i.exec(s);
  if (m) {
    const month = monthNumber(m[2]!);
    return month ? { kind: "exact", y: fullYear(m[3]!), m: month, d: Number(m[1]) } : null;
  }
  m = /^([a-zà-ü]{3,9})\.?[-/ ]*(\d{1,2})(?:st|nd|rd|th)?,?[-/ ]*(\d{4})$/i.exec(s);
  if (m) {
    const month = monthNumber(m[1]!);
    return month ? { kind: "exact", y: Number(m[3]), m: month, d: Number(m[2]) } : null;
  }
  return null;
}

/** What a token says about the file's order: "DMY", "MDY", or nothing when both fit. */
export function orderEvidence(token: DateToken): DateOrder | null {
  if (token.kind !== "numeric") return null;
  if (token.a > 12 && token.b <= 12) return "DMY";
  if (token.b > 12 && token.a <= 12) return "MDY";
  return null;
}

const READING: Record<DateOrder, string> = {
  DMY: "day/month/year",
  MDY: "month/day/year",
  YMD: "year/month/day",
};

/** The ISO date, or an explanation when the day or month is out of range. */
export function toIsoDate(token: DateToken, order: DateOrder): string | { message: string } {
  let y: number;
  let m: number;
  let d: number;
  if (token.kind === "exact") ({ y, m, d } = token);
  else if (order === "YMD") {
    // "24/03/15" read year-first: the last group is the day.
    [y, m, d] = [fullYear(String(token.a).padStart(2, "0")), token.b, Number(token.yearText)];
  } else {
    y = token.y;
    [d, m] = order === "MDY" ? [token.b, token.a] : [token.a, token.b];
  }
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (m < 1 || m > 12 || d < 1 || d > days || y < 1900 || y > 2200) {
    const hint = token.kind === "numeric" ? ` when read as ${READING[order]}` : "";
    return { message: `is not a real calendar date${hint}` };
  }
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
