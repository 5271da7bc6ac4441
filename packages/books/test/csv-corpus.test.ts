import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkBalance } from "../src/csv/balance.js";
import { scoreCorpus, scoreFile } from "../src/csv/evaluate.js";
import { inspectCsv, parseBankCsv } from "../src/csv/index.js";

const corpus = (dir: string) => new URL(`./corpus/${dir}`, import.meta.url).pathname;

describe("the import corpus: real exports and their synthetic variants", () => {
  it("imports at least 25 real exports from at least 10 countries with 0 wrong, asking only where the file is ambiguous", async () => {
    const score = await scoreCorpus(corpus("real"));
    expect(score.files.filter((f) => f.failed)).toEqual([]);
    expect(score.files.length).toBeGreaterThanOrEqual(25);
    expect(score.countries).toBeGreaterThanOrEqual(10);
    expect(score.counts.wrong).toBe(0);
    expect(score.counts.exact).toBeGreaterThanOrEqual(25);
  });

  it("imports every synthetic variant (no header, reordered, translated, summary rows, TAB in/out) with 0 wrong", async () => {
    const score = await scoreCorpus(corpus("synthetic"));
    expect(score.files.filter((f) => f.failed)).toEqual([]);
    expect(score.counts.wrong).toBe(0);
    expect(score.files.length).toBeGreaterThanOrEqual(30);
  });

  it("scores an import that differs from the manifest as wrong, and a question on a clear file as a failure", async () => {
    const bytes = new TextEncoder().encode(
      "Date,Description,Amount\n2024-01-05,Coffee,-3.50\n2024-01-06,Pay,100.00\n",
    );
    const entry = {
      file: "x.csv",
      rows: 2,
      net_cents: 9650,
      first_date: "2024-01-05",
      last_date: "2024-01-06",
    };
    expect((await scoreFile(bytes, { ...entry, ambiguous: false })).outcome).toBe("exact");
    const wrong = await scoreFile(bytes, { ...entry, net_cents: -9650, ambiguous: false });
    expect(wrong).toMatchObject({ outcome: "wrong", failed: true });
    const pair = new TextEncoder().encode(
      "05/01/2024;Coffee;3,50;\n06/01/2024;Pay;;100,00\n17/01/2024;Rent;700,00;\n",
    );
    const asked = await scoreFile(pair, { ...entry, ambiguous: false });
    expect(asked).toMatchObject({ outcome: "asked", failed: true });
  });
});

describe("content first, headers only as tie-breakers", () => {
  it("reads the French export of the issue: Date de valeur, Débit/Crédit, semicolons, apostrophe thousands", async () => {
    const text = [
      "Date;Date de valeur;Libellé;Débit;Crédit",
      "03/01/2024;04/01/2024;PRLV SEPA EDF;1'234,56;",
      "15/01/2024;15/01/2024;VIR SALAIRE;;3'100,00",
      "20/01/2024;21/01/2024;CB CARREFOUR;45,10;",
    ].join("\n");
    const result = await parseBankCsv(text);
    expect(result.rows.map((r) => [r.date, r.amountCents])).toEqual([
      ["2024-01-03", -123456],
      ["2024-01-15", 310000],
      ["2024-01-20", -4510],
    ]);
    expect(result.inference?.needsMapping).toBe(false);
  });

  it("the balance column decides in/out orientation even when the headers say nothing", async () => {
    const text = [
      "2024-01-02\tRent\t700.00\t\t1300.00",
      "2024-01-03\tSalary\t\t2500.00\t3800.00",
      "2024-01-05\tCoffee\t3.50\t\t3796.50",
      "2024-01-09\tRefund\t\t20.00\t3816.50",
    ].join("\n");
    const result = await parseBankCsv(text);
    expect(result.mapping).toMatchObject({ debit: 2, credit: 3, balance: 4 });
    expect(result.inference).toMatchObject({ balanceVerified: true, needsMapping: false });
    expect(result.balance).toEqual({ column: "column 5", closingCents: 381650, verified: true });
    // The same file with the two columns swapped reads the other way round: content, not position.
    const swapped = text.replace(/\t([\d.]*)\t([\d.]*)\t/g, "\t$2\t$1\t");
    const again = await parseBankCsv(swapped);
    expect(again.rows.map((r) => r.amountCents)).toEqual([-70000, 250000, -350, 2000]);
  });

  it("asks with the alternatives when an in/out pair has no header and no balance", async () => {
    const text = "05.01.2024;Coffee;3,50;\n06.01.2024;Pay;;100,00\n17.01.2024;Rent;700,00;\n";
    const inspection = await inspectCsv(text);
    expect(inspection.inference?.needsMapping).toBe(true);
    expect(inspection.inference?.reasons[0]).toMatch(
      /can be read as money out in column 3 .* or as money out in column 4/,
    );
    expect(inspection.inference?.alternatives[0]?.mapping).toMatchObject({ debit: 3, credit: 2 });
  });

  it("a header's words break the tie the content leaves (Hungarian Terhelés/Jóváírás, dates with a trailing dot)", async () => {
    const text =
      "Könyvelés dátuma;Közlemény;Terhelés;Jóváírás\n2024.01.05.;Bolt;3 500,00;\n2024.01.06.;Fizetés;;410 000,00\n";
    const result = await parseBankCsv(text);
    expect(result.rows.map((r) => [r.date, r.amountCents])).toEqual([
      ["2024-01-05", -350000],
      ["2024-01-06", 41000000],
    ]);
  });

  it("skips opening/closing balance and total rows, even dated ones, and reports each with its line", async () => {
    const text = [
      "Datum;Text;Betrag;Saldo",
      "31.01.2024;Endsaldo;;1.150,00",
      "30.01.2024;Miete;-850,00;1.150,00",
      "15.01.2024;Gehalt;2.000,00;2.000,00",
      "01.01.2024;Anfangssaldo;;0,00",
      "Summe;;1.150,00;",
    ].join("\n");
    const result = await parseBankCsv(text);
    expect(result.rows.map((r) => r.line)).toEqual([3, 4]);
    expect(result.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'a summary line ("Endsaldo"), not a transaction'],
      [5, 'a summary line ("Anfangssaldo"), not a transaction'],
      [6, 'a summary line ("Summe"), not a transaction'],
    ]);
    expect(result.errors).toEqual([]);
    expect(result.balance).toMatchObject({ closingCents: 115000 });
  });

  it("skips rows a status column calls pending", async () => {
    const text = readFileSync(new URL("./corpus/real/lt-revolut-2022-01.csv", import.meta.url));
    const result = await parseBankCsv(new Uint8Array(text));
    expect(result.skipped.map((s) => s.line)).toEqual([7, 10]);
    expect(result.skipped[0]!.reason).toMatch(/pending transaction .*status "PENDING"/);
  });
});

describe("the running-balance check", () => {
  it("recognises all four layouts (newest or oldest first, balance after or before the row)", () => {
    const amounts = [-500, 2000, -300];
    expect(checkBalance(amounts, [9500, 11500, 11200])?.layout).toBe("after-ascending");
    expect(checkBalance(amounts, [10000, 10500, 8500])?.layout).toBe("after-descending");
    expect(checkBalance(amounts, [10000, 9500, 11500])?.layout).toBe("before-ascending");
    expect(checkBalance([...amounts].reverse(), [11200, 11500, 9500])).toMatchObject({ matching: 2 });
  });
});

describe("day/month order without a day above 12", () => {
  it("is settled when only one order runs the dates in sequence, and asked when both do", async () => {
    const sorted = "Date,Description,Amount\n01/02/2024,A,-1.00\n01/05/2024,B,-2.00\n02/03/2024,C,3.00\n";
    expect((await inspectCsv(sorted)).inference?.needsMapping).toBe(false);
    expect((await parseBankCsv(sorted)).rows.map((r) => r.date)).toEqual([
      "2024-01-02",
      "2024-01-05",
      "2024-02-03",
    ]);
    const both = "Date,Description,Amount\n01/02/2024,A,-1.00\n01/05/2024,B,-2.00\n01/09/2024,C,3.00\n";
    const asked = await inspectCsv(both);
    expect(asked.inference?.needsMapping).toBe(true);
    expect(asked.inference?.reasons).toEqual([
      'No date in "Date" has a day above 12, so day/month and month/day orders both fit.',
    ]);
  });
});

describe("plausible dates", () => {
  it("reports a booking date outside 1970 to a year from now as a row error, and imports the rest", async () => {
    const text =
      "Date,Description,Amount\n2024-01-05,Coffee,-3.50\n2099-01-06,Typo,-9.00\n1901-02-01,Old,-1.00\n";
    const result = await parseBankCsv(text, { now: new Date("2026-12-02T00:00:00Z") });
    expect(result.rows.map((r) => r.line)).toEqual([2]);
    expect(result.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(result.errors[0]!.message).toMatch(
      /^Line 3, column "Date": "2099-01-06" is outside the plausible range 1970-01-01 to 2027-12-03/,
    );
  });
});
