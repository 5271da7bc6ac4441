import fc from "fast-check";

/**
 * Arbitraries for hostile input, shared by the quick suite (1,000 cases) and chaos/ (10,000).
 * CSV files are mostly near-misses of real bank exports (the cases that reach the parser's depths),
 * plus pure noise: random text and random bytes.
 */

const HEADERS = [
  "Date",
  "Booking date",
  "Datum",
  "Description",
  "Payee",
  "Memo",
  "Amount",
  "Debit",
  "Credit",
  "Betrag",
  "Balance",
  "Category",
  "",
  '"Quoted, header"',
];
const cell = fc.oneof(
  fc.constantFrom("2026-01-31", "31/01/2026", "01/31/2026", "31.01.2026", "2026-13-45", "yesterday", ""),
  fc.constantFrom(
    "-12.50",
    "1.234,56",
    "$1,036.47",
    "11'373.94",
    "(42.00)",
    "1e308",
    "-0",
    "NaN",
    "9".repeat(40),
  ),
  fc.constantFrom(
    '"',
    '""',
    '"unterminated',
    "a\nb",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "\u0000",
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
const delimiter = fc.constantFrom(",", ";", "\t", "|");
const newline = fc.constantFrom("\n", "\r\n", "\r");

/** A bank-export-like CSV: a header of known and unknown names, rows of plausible and broken cells. */
const nearCsv = fc
  .tuple(
    delimiter,
    newline,
    fc.array(fc.constantFrom(...HEADERS), { minLength: 1, maxLength: 7 }),
    fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 25 }),
    fc.constantFrom("", "\uFEFF", "Statement for account 123\n\n"),
  )
  .map(([d, nl, header, rows, prefix]) => prefix + [header, ...rows].map((r) => r.join(d)).join(nl));

export const csvText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: nearCsv },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 2000 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

/** The bytes of an upload: text in UTF-8, or UTF-16 / Latin-1 encodings of it, or random bytes. */
export const csvBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: csvText.map((t) => new TextEncoder().encode(t)) },
  { weight: 1, arbitrary: csvText.map((t) => Uint8Array.from(Buffer.from(`\uFEFF${t}`, "utf16le"))) },
  { weight: 1, arbitrary: csvText.map((t) => Uint8Array.from(Buffer.from(t, "latin1"))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3000 }) },
);

export const fileName = fc.constantFrom(
  "statement.csv",
  "",
  "../../etc/passwd",
  "a".repeat(300),
  "x.CSV",
  "émoji-🙂.csv",
);

/** Bodies for the JSON routes: any JSON, and objects with the routes' own field names and wrong values. */
const FIELDS = ["company_id", "limit", "name", "account_id", "conditions", "rule_ids", "priority", "enabled"];
export const jsonBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.record({
    name: fc.string(),
    account_id: fc.string(),
    conditions: fc.array(
      fc.record({ field: fc.string(), op: fc.string(), value: fc.jsonValue({ maxDepth: 1 }) }),
      { maxLength: 3 },
    ),
  }),
);
/** Raw request bodies that are not JSON at all (sent with a JSON content type). */
export const rawBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom("{", "[1,", "null", "\u0000", '{"a":1}x'),
);

/** The error shape every refusal must have: a code and a message a person can act on. */
export function isErrorShape(body: unknown): boolean {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error.message === "string" && error.message.length > 5;
}
