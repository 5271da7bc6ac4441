import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ParseCsvOptions, type ParseCsvResult, parseBankCsv } from "../src/csv/index.js";

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/csv/${name}`, import.meta.url)));
}

function importFile(name: string, options?: ParseCsvOptions): Promise<ParseCsvResult> {
  return parseBankCsv(fixture(name), options);
}

const summary = (result: ParseCsvResult) =>
  result.rows.map((r) => [r.line, r.date, r.amountCents, r.description]);

describe("encodings", () => {
  it("reads UTF-16 LE with a BOM and UTF-16 BE without one, tab-delimited", async () => {
    for (const [name, encoding] of [
      ["utf16le-bom.csv", "utf-16le"],
      ["utf16be-nobom.csv", "utf-16be"],
    ] as const) {
      const result = await importFile(name);
      expect(result.encoding).toBe(encoding);
      expect(result.delimiter).toBe("\t");
      expect(summary(result)).toEqual([
        [2, "2024-01-05", -450, "Café Zoë"],
        [3, "2024-01-06", 250000, "Salary"],
        [4, "2024-01-07", -1230, "東京 Ramen"],
      ]);
    }
  });

  it("recognises UTF-16 LE without a BOM by its zero bytes", async () => {
    const bytes = new Uint8Array(Buffer.from("Date;Memo;Amount\n2024-01-05;Bäcker;-2,10\n", "utf16le"));
    const result = await parseBankCsv(bytes);
    expect(result.encoding).toBe("utf-16le");
    expect(summary(result)).toEqual([[2, "2024-01-05", -210, "Bäcker"]]);
  });

  it("falls back to Windows-1252 when the bytes are not UTF-8, keeping €, – and umlauts", async () => {
    const result = await importFile("windows-1252.csv");
    expect(result.encoding).toBe("windows-1252");
    expect(summary(result)).toEqual([
      [2, "2024-02-03", -1280, "Café Müller – Frühstück"],
      [3, "2024-02-04", 2500, "Rückerstattung Bücher €"],
    ]);
  });

  it("switches to Windows-1252 when the first non-UTF-8 byte comes after the first 64 KB", async () => {
    const filler = Array.from({ length: 2000 }, (_, i) => `2024-01-01,Filler ${i},-1.00`).join("\n");
    const text = `Date,Description,Amount\n${filler}\n2024-01-02,Caf\u00e9,-2.00\n`;
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0)); // Latin-1 bytes
    const result = await parseBankCsv(bytes);
    expect(result.rows.at(-1)!.description).toBe("Café");
    expect(result.rows).toHaveLength(2001);
  });
});

describe("layout", () => {
  it("skips the bank's preamble and blank lines, and notes a trailing total line", async () => {
    const result = await importFile("junk-lines.csv");
    expect(result.headerLine).toBe(5);
    expect(summary(result)).toEqual([
      [6, "2024-01-02", -375, "Coffee Shop"],
      [8, "2024-01-15", 150000, "Payroll ACME"],
      [9, "2024-01-31", 12, "Interest"],
    ]);
    expect(result.skipped).toContainEqual({
      line: 10,
      reason: 'a summary line ("Total"), not a transaction',
    });
    expect(result.errors).toEqual([]);
  });

  it("prefers the transaction header over a statement summary that also names a date and an amount", async () => {
    const text = [
      "Statement Date,Payment Due Date,Minimum Amount Due",
      "01/31/2024,02/25/2024,$25.00",
      "",
      "Transaction Date,Description,Amount",
      "01/05/2024,GROCERY STORE,-54.20",
      "01/19/2024,PAYMENT THANK YOU,200.00",
    ].join("\n");
    const result = await parseBankCsv(text);
    expect(result.headerLine).toBe(4);
    expect(summary(result)).toEqual([
      [5, "2024-01-05", -5420, "GROCERY STORE"],
      [6, "2024-01-19", 20000, "PAYMENT THANK YOU"],
    ]);
    expect(result.skipped.map((s) => s.line)).toEqual([1, 2]);
  });

  it("reads decimal commas, thousands dots, quoted delimiters and newlines in a ;-file", async () => {
    const result = await importFile("decimal-comma-semicolon.csv");
    expect(result.decimalSeparator).toBe(",");
    expect(summary(result)).toEqual([
      [6, "2024-03-28", -123456, "Abschlag Strom März"],
      [7, "2024-03-15", 325000, "Gehalt März 2024"],
      [8, "2024-03-02", -1722, "Kartenzahlung REWE SAGT DANKE"],
      [9, "2024-03-01", -95000, "Miete März"],
    ]);
    expect(result.rows.map((r) => r.payee)).toEqual([
      "Stadtwerke München",
      "ACME GmbH",
      "REWE Markt",
      "Müller; Sohn & Co",
    ]);
    expect(result.rows[3]!.raw).toBe('01.03.2024;01.03.2024;"Müller; Sohn & Co";"Miete\nMärz";-950');
  });

  it("keeps blank lines inside a quoted field as part of the field", async () => {
    const result = await parseBankCsv(
      'Date,Description,Amount\n2024-01-01,"first\n\nthird",-1.00\n\n2024-01-02,next,-2.00\n',
    );
    expect(summary(result)).toEqual([
      [2, "2024-01-01", -100, "first third"],
      [6, "2024-01-02", -200, "next"],
    ]);
    expect(result.rows[0]!.raw).toBe('2024-01-01,"first\n\nthird",-1.00');
  });

  it("merges continuation rows into the row above and keeps escaped quotes", async () => {
    const result = await importFile("continuation.csv");
    expect(summary(result)).toEqual([
      [2, "2024-03-05", -20000, "Transfer to savings reference 2024-03"],
      [4, "2024-03-06", -840, "CARD PAYMENT TESCO STORES 3341 LONDON GB"],
      [7, "2024-03-13", 1000, 'He said "thanks"'],
    ]);
    expect(result.rows[1]!.payee).toBe("tesco stores london gb");
  });

  it("does not glue the continuation of a skipped or invalid row onto the row before it", async () => {
    const result = await parseBankCsv(
      "Date,Description,Amount\n2024-01-02,KEPT,-1.00\nPending,PENDING SHOP,-2.00\n,PENDING CITY,\n2024-01-03,BAD,x\n,BAD CITY,\n",
    );
    expect(summary(result)).toEqual([[2, "2024-01-02", -100, "KEPT"]]);
    expect(result.skipped.map((s) => [s.line, s.reason])).toEqual([
      [3, expect.stringMatching(/^a pending transaction/)],
      [4, "continues line 3, which was skipped"],
      [6, "continues line 5, which has an error"],
    ]);
  });

  it("recovers from a quote that never closes, imports the line and reports it", async () => {
    const result = await importFile("broken-quotes.csv");
    expect(summary(result)).toEqual([
      [2, "2024-05-01", -100, "Normal row"],
      [3, "2024-05-02", -200, "Unclosed quote row"],
      [4, "2024-05-03", -300, "Row after the broken one"],
      [5, "2024-05-04", -400, "Closed, with comma"],
      [6, "2024-05-05", -500, '5" screen protector'],
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ line: 3, column: null, message: expect.stringMatching(/never closed/) }),
    ]);
  });

  it("obeys Excel's sep= line and the delimiter option", async () => {
    const excel = await parseBankCsv('sep=,\nDatum,Text,Betrag\n01.02.2024,Brot; Butter,"-3,50"\n');
    expect(excel.delimiter).toBe(",");
    expect(excel.skipped).toEqual([{ line: 1, reason: "Excel's delimiter declaration" }]);
    expect(excel.rows[0]).toMatchObject({ line: 3, description: "Brot; Butter", amountCents: -350 });
    const forced = await parseBankCsv("Date;Memo;Amount\n2024-01-01;a,b;-1.00\n", { delimiter: ";" });
    expect(forced.rows[0]).toMatchObject({ description: "a,b", amountCents: -100 });
  });

  it("sniffs the pipe delimiter", async () => {
    const result = await parseBankCsv("Date|Memo|Amount\n2024-06-01|Rent, June|-1200.00\n");
    expect(result.delimiter).toBe("|");
    expect(result.rows[0]).toMatchObject({ description: "Rent, June", amountCents: -120000 });
  });
});

describe("amounts and signs", () => {
  it("reads debit and credit columns, $ and thousands separators; a minus in the debit column is still out", async () => {
    const result = await importFile("debit-credit.csv");
    expect(summary(result)).toEqual([
      [2, "2024-03-14", -103647, "AMAZON.COM*2K4LL, SEATTLE WA"],
      [3, "2024-03-15", 250000, "PAYROLL DEPOSIT"],
      [4, "2024-03-16", -500, "REFUND IN DEBIT COLUMN"],
    ]);
  });

  it("applies CR and DR markers, with or without a space, and parentheses", async () => {
    const result = await importFile("cr-dr.csv");
    expect(result.rows.map((r) => r.amountCents)).toEqual([10000, -4510, 1200, -250]);
  });

  it("reads Swiss apostrophes in Belastung/Gutschrift columns", async () => {
    const result = await importFile("swiss-apostrophe.csv");
    expect(summary(result)).toEqual([
      [2, "2024-01-31", 1137394, "Lohn Januar"],
      [3, "2024-02-02", -12345, "Migros Zürich"],
    ]);
  });

  it("uses a debit/credit type column next to an unsigned amount (Mint)", async () => {
    const result = await importFile("mint-transactions.csv");
    expect(result.rows.map((r) => [r.date, r.amountCents, r.category])).toEqual([
      ["2024-01-15", -475, "Coffee Shops"],
      ["2024-01-16", 200000, "Paycheck"],
      ["2024-01-31", -475, "Coffee Shops"],
    ]);
  });

  it("reads unsigned amounts as signed when nothing marks credits, and as money out with signConvention", async () => {
    const text = "Date,Description,Amount\n2024-01-01,Shop,12.00\n2024-01-02,Shop,3.00\n";
    expect((await parseBankCsv(text)).rows.map((r) => r.amountCents)).toEqual([1200, 300]);
    const card = await parseBankCsv(text, { signConvention: "unsigned-is-out" });
    expect(card.rows.map((r) => r.amountCents)).toEqual([-1200, -300]);
  });

  it("negates every amount with signConvention inverted (Amex lists charges positive), but not marked ones", async () => {
    const text =
      "Date,Description,Amount\n2024-01-01,Shop,12.00\n2024-01-02,Payment,-50.00\n2024-01-03,Refund,3.00 CR\n";
    const result = await parseBankCsv(text, { signConvention: "inverted" });
    expect(result.rows.map((r) => r.amountCents)).toEqual([-1200, 5000, 300]);
  });

  it("reports an amount it cannot read as a row error naming line and column", async () => {
    const result = await parseBankCsv(
      "Date,Description,Amount\n2024-01-01,Shop,twelve\n2024-01-02,Shop,-3.00\n",
    );
    expect(result.rows).toHaveLength(1);
    expect(result.errors).toEqual([
      {
        line: 2,
        column: "Amount",
        message: expect.stringMatching(
          /^Line 2, column "Amount": "twelve" is not a number.*write the amount like/,
        ),
      },
    ]);
  });
});

describe("categories and payees", () => {
  it("imports the category of a YNAB export, with outflow/inflow columns and payees", async () => {
    const result = await importFile("category-ynab.csv");
    expect(result.rows.map((r) => [r.date, r.amountCents, r.payee, r.category, r.description])).toEqual([
      ["2024-01-15", -8412, "Whole Foods", "Groceries", "weekly shop"],
      ["2024-01-16", 300000, "Employer Inc", "Ready to Assign", "Employer Inc"],
      ["2024-01-17", -4500, "Shell", "Fuel", "Shell"],
    ]);
  });
});

describe("dates", () => {
  it("infers day/month from a day above 12 anywhere in the file, even after ambiguous rows", async () => {
    const text = "Date,Description,Amount\n01/02/2024,A,-1\n03/02/2024,B,-1\n25/02/2024,C,-1\n";
    const result = await parseBankCsv(text);
    expect(result.dateOrder).toBe("DMY");
    expect(result.rows.map((r) => r.date)).toEqual(["2024-02-01", "2024-02-03", "2024-02-25"]);
    const us = await parseBankCsv(text.replace("25/02", "02/25"));
    expect(us.dateOrder).toBe("MDY");
    expect(us.rows.map((r) => r.date)).toEqual(["2024-01-02", "2024-03-02", "2024-02-25"]);
  });

  it("warns when nothing decides the order, and obeys the dateOrder option", async () => {
    const guessed = await importFile("ambiguous-dates.csv");
    expect(guessed.warnings).toEqual([
      expect.objectContaining({ line: 2, column: "Date", message: expect.stringMatching(/set dateOrder/) }),
    ]);
    const told = await importFile("ambiguous-dates.csv", { dateOrder: "MDY" });
    expect(told.warnings).toEqual([]);
    expect(told.rows.map((r) => r.date)).toEqual(["2024-01-02", "2024-03-02", "2024-05-02", "2024-07-02"]);
  });

  it("reads two-digit year-first dates with dateOrder YMD", async () => {
    const result = await parseBankCsv("Date,Memo,Amount\n24/03/15,a,-1\n24/12/01,b,-1\n", {
      dateOrder: "YMD",
    });
    expect(result.rows.map((r) => r.date)).toEqual(["2024-03-15", "2024-12-01"]);
  });

  it("reads ISO, compact, named-month and timestamped dates", async () => {
    const text = [
      "Date,Description,Amount",
      "2024-03-01,a,-1",
      "20240302,b,-1",
      "3 Mar 2024,c,-1",
      "Mar 4, 2024,d,-1",
      "05-Mär-2024,e,-1",
      "2024-03-06T10:11:12Z,f,-1",
      "07.03.24,g,-1",
    ].join("\n");
    const result = await parseBankCsv(text.replace("Mar 4, 2024", '"Mar 4, 2024"'));
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => r.date)).toEqual([
      "2024-03-01",
      "2024-03-02",
      "2024-03-03",
      "2024-03-04",
      "2024-03-05",
      "2024-03-06",
      "2024-03-07",
    ]);
  });

  it("reports impossible dates and non-dates with the line and what to do", async () => {
    const result = await parseBankCsv(
      "Date,Description,Amount\n2024-02-30,a,-1\nyesterday,b,-1\n2024-03-01,c,-1\n",
    );
    expect(result.rows).toHaveLength(1);
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([
      [2, "Date"],
      [3, "Date"],
    ]);
    expect(result.errors[0]!.message).toMatch(/not a real calendar date/);
    expect(result.errors[1]!.message).toMatch(/"yesterday" is not a date; write it like/);
    const garbage = await parseBankCsv(`Date,Description,Amount\n${"x".repeat(5000)},a,-1\n`);
    expect(garbage.errors[0]!.message).toMatch(/^Line 2, column "Date": "x{40}…" is not a date/);
  });
});

describe("column mapping", () => {
  const odd = "When,What,Who,How much,Kind\n2024-01-05,Lunch,Cafe,-9.50,Food\n";

  it("an explicit mapping by header name wins over detection", async () => {
    const result = await parseBankCsv(odd, {
      mapping: { date: "When", description: "What", payee: "Who", amount: "How much", category: "Kind" },
    });
    expect(result.rows[0]).toMatchObject({
      date: "2024-01-05",
      description: "Lunch",
      payee: "Cafe",
      amountCents: -950,
      category: "Food",
    });
  });

  it("an explicit mapping by index reads a file without a header", async () => {
    const result = await parseBankCsv("2024-01-05,-9.50,Lunch\n2024-01-06,-1.25,Bus\n", {
      mapping: { date: 0, amount: 1, description: 2 },
    });
    expect(result.headerLine).toBeNull();
    expect(summary(result)).toEqual([
      [1, "2024-01-05", -950, "Lunch"],
      [2, "2024-01-06", -125, "Bus"],
    ]);
  });

  it("recognises the columns of a file without a header by their contents (Wells Fargo)", async () => {
    const text = [
      '"01/02/2024","-12.50","*","","COFFEE SHOP 123 PORTLAND OR"',
      '"01/03/2024","1500.00","*","","PAYROLL ACME CORP"',
      '"01/15/2024","-80.00","*","","GAS STATION 9"',
    ].join("\r\n");
    const result = await parseBankCsv(text);
    expect(result.headerLine).toBeNull();
    expect(result.mapping).toMatchObject({ date: 0, amount: 1, description: [4] });
    expect(summary(result)).toEqual([
      [1, "2024-01-02", -1250, "COFFEE SHOP 123 PORTLAND OR"],
      [2, "2024-01-03", 150000, "PAYROLL ACME CORP"],
      [3, "2024-01-15", -8000, "GAS STATION 9"],
    ]);
    expect(result.warnings[0]!.message).toMatch(
      /^Line 1: the file has no header row.*date column 1, amount column 2, description column 5/,
    );
  });

  it("overrides one detected column and keeps the rest", async () => {
    const result = await importFile("category-ynab.csv", { mapping: { description: "Category Group" } });
    expect(result.rows[0]).toMatchObject({ description: "Everyday Expenses", amountCents: -8412 });
  });

  it("a mapping naming a column the file lacks fails with the list of columns", async () => {
    await expect(
      parseBankCsv("Date,Description,Amount\n2024-01-01,a,-1\n", {
        mapping: { date: "Date", amount: "Betrag" },
      }),
    ).rejects.toThrow(
      /names column "Betrag" for the amount, but the header has "Date", "Description", "Amount"/,
    );
  });
});
