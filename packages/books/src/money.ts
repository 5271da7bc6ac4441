/**
 * Money as integer minor units (cents), never floats. A `Cents` value is a safe integer,
 * so sums of a few million transactions stay exact; anything beyond ±(2^53 - 1) cents
 * (about 90 trillion) is rejected rather than silently rounded.
 *
 * Parsing accepts what bank exports actually contain: `1.234,56`, `1,234.56`,
 * `11'373.94`, `$1,036.47`, `£67.40`, `-12.00`, `(12.00)`, `12.00-`, `12.00 CR` / `DR`.
 */

export type Cents = number & { readonly __unit: "cents" };

export class MoneyRangeError extends RangeError {
  override readonly name = "MoneyRangeError";
}

/** Brands a number as cents after checking it is a safe integer. */
export function toCents(value: number): Cents {
  if (!Number.isSafeInteger(value)) {
    throw new MoneyRangeError(
      `${value} is not a whole number of cents within ±${Number.MAX_SAFE_INTEGER}; convert amounts with parseMoney instead of arithmetic on floats.`,
    );
  }
  return value as Cents;
}

/** Adds amounts, failing loudly instead of losing precision past the safe-integer range. */
export function sumCents(values: Iterable<number>): Cents {
  let total = 0;
  for (const value of values) total = toCents(total + toCents(value));
  return total as Cents;
}

export type DecimalSeparator = "." | ",";

export type MoneyParse =
  | {
      ok: true;
      cents: Cents;
      /** True when the text carried a sign: `-`, `+`, parentheses, a trailing `-`, `CR` or `DR`. */
      signed: boolean;
      /** The credit/debit marker found in the text, if any (already applied to `cents`). */
      marker: "CR" | "DR" | null;
    }
  | { ok: false; message: string };

export interface ParseMoneyOptions {
  /**
   * Which character separates the cents when the text alone cannot tell (`1,234` or
   * `1.234`). Without it a lone separator followed by exactly three digits is read as a
   * thousands separator.
   */
  decimalSeparator?: DecimalSeparator;
}

// Spaces used as thousands separators (NBSP, narrow NBSP, thin space) and apostrophes (Swiss).
const GROUPING = /[\s\u00a0\u202f\u2009'’]/g;
// Lookarounds rather than \b, which is ASCII-only and would miss "zł" and "Kč".
const CURRENCY = /\p{Sc}|(?<![\p{L}])(?:[A-Z]{3}|CHF|Fr\.?|kr|zł|Kč|Ft|lei|RM|Rs\.?|R(?=\$))(?![\p{L}])/gu;
const MARKER = /(?<![A-Za-z])(CR|DR|Cr|Dr|cr|dr)\.?\s*$/;
const MAX_DIGITS = 15; // 15 digits of cents always fit in a safe integer.

/** Parses one amount; the result is data, so a bad cell becomes a row error, not an exception. */
export function parseMoney(text: string, options: ParseMoneyOptions = {}): MoneyParse {
  let s = text.normalize("NFKC").trim();
  if (s === "") return { ok: false, message: "the amount is empty" };
  let negative = false;
  let signed = false;
  let marker: "CR" | "DR" | null = null;

  const markerMatch = MARKER.exec(s);
  if (markerMatch) {
    marker = markerMatch[1]!.toUpperCase() as "CR" | "DR";
    s = s.slice(0, markerMatch.index).trim();
    signed = true;
  }
  s = s
    .replace(CURRENCY, "")
    .replace(/\u2212/g, "-")
    .trim();
  if (s.startsWith("(") && s.endsWith(")")) {
    negative = true;
    signed = true;
    s = s.slice(1, -1).trim();
  }
  s = s.replace(CURRENCY, "").trim();
  const lead = /^([+-])\s*/.exec(s);
  if (lead) {
    signed = true;
    negative = negative !== (lead[1] === "-");
    s = s.slice(lead[0].length);
  }
  if (s.endsWith("-") || s.endsWith("+")) {
    if (lead) return { ok: false, message: `${quoted(text)} has two signs` };
    signed = true;
    negative = negative !== s.endsWith("-");
    s = s.slice(0, -1).trim();
  }
  s = s.replace(CURRENCY, "").trim();

  const number = splitDigits(s.replace(GROUPING, ""), options.decimalSeparator);
  if (typeof number === "string") return { ok: false, message: `${quoted(text)} ${number}` };
  const digits = (number.whole.replace(/^0+/, "") + number.fraction.padEnd(2, "0")).replace(/^0+/, "");
  if (digits.length > MAX_DIGITS) {
    return { ok: false, message: `${quoted(text)} is too large to be an amount of money` };
  }
  let value = digits === "" ? 0 : Number(digits);
  if (negative) value = -value;
  if (marker === "CR") value = Math.abs(value);
  if (marker === "DR") value = -Math.abs(value);
  return { ok: true, cents: (value === 0 ? 0 : value) as Cents, signed, marker };
}

/** The cell as shown in a message: quoted, and cut at 40 characters so a garbage cell stays readable. */
export function quoted(text: string): string {
  const t = text.trim();
  return `"${t.length > 40 ? `${t.slice(0, 40)}…` : t}"`;
}

/** Splits `1.234,56` etc. into whole and fractional digits, or says why it cannot. */
function splitDigits(
  s: string,
  hint: DecimalSeparator | undefined,
): { whole: string; fraction: string } | string {
  if (s === "") return "has no digits";
  if (!/^[\d.,]+$/.test(s)) return "is not a number (expected digits like 1,234.56)";
  if (!/\d/.test(s)) return "has no digits";
  const lastDot = s.lastIndexOf(".");
  const lastComma = s.lastIndexOf(",");
  let decimal: DecimalSeparator | null;
  if (lastDot >= 0 && lastComma >= 0) decimal = lastDot > lastComma ? "." : ",";
  else if (lastDot < 0 && lastComma < 0) decimal = null;
  else {
    const sep: DecimalSeparator = lastDot >= 0 ? "." : ",";
    const parts = s.split(sep);
    const tail = parts[parts.length - 1]!;
    if (parts.length > 2)
      decimal = null; // "1,234,567": only grouping
    else if (hint !== undefined) decimal = hint === sep ? sep : null;
    else if (tail.length === 3 && parts[0] !== "0" && parts[0] !== "") decimal = null;
    else decimal = sep;
  }
  const group = decimal === "." ? "," : decimal === "," ? "." : null;
  const cut = decimal === null ? -1 : s.lastIndexOf(decimal);
  const wholeRaw = cut < 0 ? s : s.slice(0, cut);
  const fraction = cut < 0 ? "" : s.slice(cut + 1);
  const groups = group === null ? wholeRaw.split(/[.,]/) : wholeRaw.split(group);
  // Groups of 3 digits, or 2 for Indian lakh grouping ("1,23,456.00"); never empty.
  if (groups.length > 1 && groups.slice(1).some((g) => g.length < 2 || g.length > 3)) {
    return "mixes separators in a way no bank writes";
  }
  const whole = groups.join("");
  if (/[.,]/.test(whole) || /[.,]/.test(fraction)) return "mixes separators in a way no bank writes";
  if (fraction.length > 2) {
    return `has ${fraction.length} decimal places; amounts must be in whole cents (at most 2)`;
  }
  if (whole === "" && fraction === "") return "has no digits";
  return { whole, fraction };
}

export interface FormatMoneyOptions {
  decimalSeparator?: DecimalSeparator;
  /** Thousands separator; none by default so the output parses back unambiguously. */
  groupSeparator?: string;
  /** Put before the digits, after the minus sign: `-$1,234.56`. */
  symbol?: string;
}

/** Formats cents back to text: `formatMoney(-123456)` → `"-1234.56"`. */
export function formatMoney(cents: number, options: FormatMoneyOptions = {}): string {
  const value = toCents(cents);
  const { decimalSeparator = ".", groupSeparator = "", symbol = "" } = options;
  const abs = Math.abs(value);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, groupSeparator);
  const fraction = String(abs % 100).padStart(2, "0");
  return `${value < 0 ? "-" : ""}${symbol}${whole}${decimalSeparator}${fraction}`;
}
