import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ParseCsvResult, parseBankCsv } from "../src/csv/index.js";

// Real exports from public repositories (see fixtures/bank-csv/README.md and the LICENSE files).
function importFixture(name: string): Promise<ParseCsvResult> {
  return parseBankCsv(new Uint8Array(readFileSync(new URL(`./fixtures/bank-csv/${name}`, import.meta.url))));
}

function pick(result: ParseCsvResult, line: number) {
  const row = result.rows.find((r) => r.line === line);
  if (!row) throw new Error(`no row at line ${line}`);
  return { date: row.date, amountCents: row.amountCents, description: row.description };
}

describe("real bank exports import as a bookkeeper would check them", () => {
  it("Singapore bank: skips the account preamble, joins continued descriptions, reads withdrawals as money out", async () => {
    const result = await importFixture("TransactionHistory_20180418043121.csv");
    expect(result.headerLine).toBe(6);
    expect(result.rows).toHaveLength(8);
    expect(result.errors).toEqual([]);
    expect(result.rows.every((r) => r.amountCents < 0)).toBe(true);
    expect(pick(result, 7)).toEqual({
      date: "2018-04-18",
      amountCents: -666,
      description: "DEBIT PURCHASE 15/04/18  66-6666 UBER EATS AN2GO HELP.UBERh",
    });
    expect(pick(result, 11)).toEqual({
      date: "2018-04-17",
      amountCents: -6666,
      description: "CASH WITHDRAWAL  ATM 66-6666 OCBC-666 BRANCH          S",
    });
    expect(pick(result, 21)).toEqual({
      date: "2018-04-13",
      amountCents: -666,
      description: "DEBIT PURCHASE 66-6666 TOAST BO6-MANULIFE CTR   S 10/04/18",
    });
    expect(result.rows[0]!.raw).toBe(
      "18/04/2018,18/04/2018,DEBIT PURCHASE,6.66,\n,,15/04/18  66-6666 UBER EATS AN2GO HELP.UBERh ",
    );
    expect(result.skipped.map((s) => s.line)).toEqual([1, 2, 3, 5]);
  });

  it("UK card: BOM, £ amounts, pending rows skipped with a note, charges out and the CR payment in", async () => {
    const result = await importFixture("MS_JANE_SMITH_01-12-2019_14-12-2019.csv");
    expect(result.encoding).toBe("utf-8");
    expect(result.headers[0]).toBe("Date Processed");
    expect(result.rows).toHaveLength(10);
    expect(result.errors).toEqual([]);
    expect(result.skipped.map((s) => s.line)).toEqual([2, 3, 4]);
    expect(result.skipped[0]!.reason).toMatch(/pending/);
    expect(result.signConvention).toBe("unsigned-is-out");
    expect(pick(result, 5)).toEqual({
      date: "2019-12-12",
      amountCents: -118323,
      description: "ROYAL LONDON INSURANCE        01222 61234  GBR",
    });
    expect(pick(result, 9)).toEqual({
      date: "2019-12-03",
      amountCents: -150,
      description: "TFL TRAVEL CH          TFL.GOV.UK/CP GBR",
    });
    expect(pick(result, 14)).toEqual({
      date: "2019-12-02",
      amountCents: 110000,
      description: "PAYMENT RECEIVED - THANK YOU",
    });
    expect(result.rows.find((r) => r.line === 6)!.payee).toBe("deliveroo.co.uk");
  });

  it("German bank: semicolons, dd.mm.yyyy, decimal comma, upper-case .CSV", async () => {
    const result = await importFixture("Umsaetze_KtoNr538917600_EUR_02-03-2018_1503.CSV");
    expect(result.delimiter).toBe(";");
    expect(result.decimalSeparator).toBe(",");
    expect(result.rows).toHaveLength(1);
    expect(result.warnings).toEqual([]);
    expect(pick(result, 2)).toEqual({
      date: "2018-03-02",
      amountCents: -1722,
      description: "Kartenzahlung REWE SAGT DANKE. 41400673//Hamburg 2018-03-01T11:33:59 KFN 1 VJ 1812",
    });
    expect(result.headers[result.mapping.date]).toBe("Buchungstag");
  });

  it("US checking: every field quoted, $ amounts, withdrawal and deposit columns, mm/dd/yyyy", async () => {
    const result = await importFixture("schwab-checking.csv");
    expect(result.dateOrder).toBe("MDY");
    expect(result.rows.map((r) => [r.date, r.amountCents, r.description])).toEqual([
      ["2022-08-17", 2000, "Deposit Mobile Banking"],
      ["2022-08-14", -10300, "BMO HARRIS BANK"],
      ["2022-08-09", -7500, "Check Paid #558"],
      ["2022-08-04", -5727, "PAYPAL INST XFER 220803~ Tran: ACHDW"],
    ]);
    expect(result.headers[result.mapping.debit!]).toBe("Withdrawal");
    expect(result.headers[result.mapping.credit!]).toBe("Deposit");
  });
});
