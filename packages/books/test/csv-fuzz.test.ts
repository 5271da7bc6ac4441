import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvFormatError, parseBankCsv } from "../src/csv/index.js";

// Whatever the bytes, the importer either returns rows and row errors or throws the one
// documented CsvFormatError; it never crashes with anything else, and every error names a line.
async function check(input: Uint8Array | string): Promise<void> {
  try {
    const result = await parseBankCsv(input);
    for (const error of [...result.errors, ...result.warnings]) {
      expect(Number.isInteger(error.line) && error.line >= 1).toBe(true);
      expect(error.message).toMatch(new RegExp(`^Line ${error.line}\\b`));
    }
    for (const row of result.rows) {
      expect(row.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isSafeInteger(row.amountCents)).toBe(true);
    }
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    expect(error.message).toMatch(/^The file|^No header|^The mapping/);
  }
}

const cell = fc.oneof(
  fc.constantFrom(
    "2024-01-31",
    "31/01/2024",
    "01/31/2024",
    "31.01.2024",
    "12-Dec-2019",
    "",
    "Pending",
    "Total",
  ),
  fc.constantFrom(
    "-1.234,56",
    "1,234.56",
    "$1,036.47",
    "(12.00)",
    "12.00 CR",
    "12.00-",
    "£67.40",
    "abc",
    "1e5",
  ),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('"', '""', '"a,b"', "\n", "\r\n", ";", "\t", "|"),
);

const bankLikeCsv = fc
  .tuple(
    fc.constantFrom(",", ";", "\t", "|"),
    fc.shuffledSubarray(
      ["Date", "Description", "Amount", "Debit", "Credit", "Payee", "Category", "Balance"],
      {
        minLength: 1,
      },
    ),
    fc.array(fc.array(cell, { maxLength: 9 }), { maxLength: 30 }),
    fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }),
  )
  .map(([delimiter, header, rows, junk]) =>
    [...junk, header.join(delimiter), ...rows.map((r) => r.join(delimiter))].join("\n"),
  );

describe("property: no input throws anything but CsvFormatError", () => {
  it("holds for bank-like CSV text with junk, odd cells and broken quotes", async () => {
    await fc.assert(fc.asyncProperty(bankLikeCsv, check), { numRuns: 300 });
  });

  it("is not vacuous: many generated files get past the header and yield rows or row errors", async () => {
    let imported = 0;
    for (const text of fc.sample(bankLikeCsv, { numRuns: 200, seed: 42 })) {
      const result = await parseBankCsv(text).catch(() => null);
      if (result && result.rows.length + result.errors.length > 0) imported++;
    }
    expect(imported).toBeGreaterThan(20);
  });

  it("holds for arbitrary strings", async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 400 }), check), { numRuns: 300 });
  });

  it("holds for arbitrary bytes, including UTF-16-looking and BOM-prefixed ones", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0xff, 0xfe, ...b])),
      fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0xef, 0xbb, 0xbf, ...b])),
      bankLikeCsv.map((text) => new Uint8Array(Buffer.from(text, "utf16le"))),
    );
    await fc.assert(fc.asyncProperty(bytes, check), { numRuns: 300 });
  });

  it("gives the same rows and errors whatever the chunk boundaries of a streamed file", async () => {
    const splitBytes = fc.tuple(bankLikeCsv, fc.array(fc.nat({ max: 2000 }), { maxLength: 6 }));
    await fc.assert(
      fc.asyncProperty(splitBytes, async ([text, cuts]) => {
        const bytes = new TextEncoder().encode(text);
        const whole = await parseBankCsv(text).catch((e: Error) => e);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        async function* chunks(): AsyncIterable<Uint8Array> {
          let from = 0;
          for (const to of [...points, bytes.length]) {
            yield bytes.subarray(from, to);
            from = to;
          }
        }
        const streamed = await parseBankCsv(chunks()).catch((e: Error) => e);
        if (whole instanceof Error || streamed instanceof Error) {
          expect(String(streamed)).toBe(String(whole));
        } else {
          expect(streamed.rows).toEqual(whole.rows);
          expect(streamed.errors).toEqual(whole.errors);
        }
      }),
      { numRuns: 200 },
    );
  });
});
