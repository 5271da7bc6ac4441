import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CsvFormatError,
  inspectCsv,
  isRowError,
  type ParsedRow,
  parseBankCsv,
  parseBankCsvStream,
} from "../src/csv/index.js";

const GERMAN =
  "Buchungstag;Verwendungszweck;Betrag\r\n01.03.2024;Bäckerei Müller;-3,20\r\n02.03.2024;Gehalt;2.500,00\r\n";

async function* inChunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function formatError(run: () => Promise<unknown>): Promise<CsvFormatError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CsvFormatError) return error;
    throw error;
  }
  throw new Error("expected a CsvFormatError");
}

describe("streaming input", () => {
  it("gives the same rows whatever the chunk boundaries (inside multi-byte characters and CRLF)", async () => {
    const bytes = new TextEncoder().encode(GERMAN);
    const whole = await parseBankCsv(bytes);
    expect(whole.rows.map((r) => [r.date, r.description, r.amountCents])).toEqual([
      ["2024-03-01", "Bäckerei Müller", -320],
      ["2024-03-02", "Gehalt", 250000],
    ]);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const chunked = await parseBankCsv(inChunks(bytes, size));
      expect(chunked.rows).toEqual(whole.rows);
      expect(chunked.encoding).toBe("utf-8");
    }
    const utf16 = new Uint8Array(Buffer.from(`\ufeff${GERMAN}`, "utf16le"));
    expect((await parseBankCsv(inChunks(utf16, 3))).rows).toEqual(whole.rows);
  });

  it("yields rows and errors in file order as an async iterable", async () => {
    const stream = parseBankCsvStream(
      "Date,Description,Amount\n2024-01-01,a,-1\n2024-01-02,b,oops\n2024-01-03,c,2\n",
    );
    const items: Array<ParsedRow | { line: number }> = [];
    for await (const item of stream) items.push(item);
    expect(items.map((i) => [i.line, isRowError(i as ParsedRow) ? "error" : "row"])).toEqual([
      [2, "row"],
      [3, "error"],
      [4, "row"],
    ]);
    expect(stream.info?.headers).toEqual(["Date", "Description", "Amount"]);
    expect(stream.dateOrder).toBeNull(); // ISO dates never needed an order
  });
});

describe("releasing the caller's stream", () => {
  it("closes the source when the consumer stops early or the file is rejected", async () => {
    let closed = 0;
    async function* source(text: string): AsyncIterable<Uint8Array> {
      try {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 16) yield bytes.subarray(i, i + 16);
      } finally {
        closed++;
      }
    }
    const long = `Date,Description,Amount\n${"2024-01-01,Coffee,-3.50\n".repeat(5000)}`;
    for await (const _row of parseBankCsvStream(source(long))) break;
    expect(closed).toBe(1);
    await expect(parseBankCsv(source(`name,email\n${"a,b\n".repeat(20000)}`))).rejects.toThrow(
      CsvFormatError,
    );
    expect(closed).toBe(2);
  });
});

describe("files that are not transaction CSVs fail with one sentence", () => {
  const cases: Array<[string, () => Uint8Array | string, CsvFormatError["code"], RegExp]> = [
    ["an empty file", () => new Uint8Array(0), "empty", /^The file is empty; export the statement/],
    ["only blank lines", () => "\n\n  \n", "empty", /empty|blank lines/],
    [
      "a zip renamed .csv",
      () => new Uint8Array(readFileSync(new URL("./fixtures/csv/zip-renamed.csv", import.meta.url))),
      "binary",
      /^The file is a ZIP archive/,
    ],
    ["a PDF", () => new TextEncoder().encode("%PDF-1.7\n%âãÏÓ\n1 0 obj"), "binary", /a PDF document/],
    [
      "random binary",
      () => Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256),
      "binary",
      /binary data/,
    ],
    [
      "a contacts list",
      () => new Uint8Array(readFileSync(new URL("./fixtures/csv/not-transactions.csv", import.meta.url))),
      "not-transactions",
      /No header with a date column and an amount column .* first line reads "name,email,phone"/,
    ],
  ];
  it.each(cases)("%s", async (_name, input, code, message) => {
    const error = await formatError(() => parseBankCsv(input()));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message.split(/[.;] [A-Z]/)).toHaveLength(1); // one sentence
    await expect(inspectCsv(input())).rejects.toBeInstanceOf(CsvFormatError);
  });
});

describe("limits", () => {
  const rows = (n: number) =>
    `Date,Description,Amount\n${Array.from({ length: n }, (_, i) => `2024-01-01,Row ${i},-1.00`).join("\n")}\n`;

  it("rejects a file over maxBytes, whether given whole, as a string or streamed", async () => {
    const text = rows(100);
    const bytes = new TextEncoder().encode(text);
    for (const input of [bytes, text, inChunks(bytes, 100)]) {
      const error = await formatError(() => parseBankCsv(input, { maxBytes: 1000 }));
      expect(error.code).toBe("too-large");
      expect(error.message).toMatch(/larger than 1000 bytes, .*export a shorter date range/);
    }
  });

  it("rejects a file with more rows than maxRows", async () => {
    const error = await formatError(() => parseBankCsv(rows(11), { maxRows: 10 }));
    expect(error.code).toBe("too-many-rows");
    expect(error.message).toMatch(/more than 10 transaction rows/);
    expect((await parseBankCsv(rows(10), { maxRows: 10 })).rows).toHaveLength(10);
  });
});

describe("inspectCsv", () => {
  it("returns the detected format and the first rows without reading the whole file", async () => {
    const text = `Date,Description,Amount\n${Array.from({ length: 50 }, (_, i) => `2024-01-0${(i % 9) + 1},Row ${i},-1.00`).join("\n")}`;
    const inspection = await inspectCsv(text, { sampleSize: 3 });
    expect(inspection.headers).toEqual(["Date", "Description", "Amount"]);
    expect(inspection.mapping).toMatchObject({ date: 0, description: [1], amount: 2 });
    expect(inspection.sampleRows.map((r) => r.description)).toEqual(["Row 0", "Row 1", "Row 2"]);
  });
});
