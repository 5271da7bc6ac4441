import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney, MoneyRangeError, parseMoney, sumCents, toCents } from "../src/money.js";

function cents(text: string, decimalSeparator?: "." | ","): number | string {
  const result = parseMoney(text, decimalSeparator ? { decimalSeparator } : {});
  return result.ok ? result.cents : result.message;
}

describe("parseMoney reads every common bank format into integer cents", () => {
  const table: Array<[string, number | string]> = [
    ["1.234,56", 123456],
    ["1,234.56", 123456],
    ["11'373.94", 1137394],
    ["$1,036.47", 103647],
    ["£67.40", 6740],
    ["€ 1.234,56", 123456],
    ["1 234,56 €", 123456],
    ["1\u202f234,56", 123456],
    ["CHF 11'373.94", 1137394],
    ["-12.00", -1200],
    ["\u221212.00", -1200],
    ["(12.00)", -1200],
    ["($12.00)", -1200],
    ["12.00-", -1200],
    ["+12.00", 1200],
    ["+ £1,100.00", 110000],
    ["12.00 CR", 1200],
    ["12.00 DR", -1200],
    ["-12.00 CR", 1200],
    ["12.00 Dr.", -1200],
    ["-17,22", -1722],
    ["0,5", 50],
    ["12", 1200],
    ["1,234,567", 123456700],
    ["1.234.567,8", 123456780],
    ["1,234", 123400],
    ["1,23,456.78", 12345678],
    ["₹1,23,456.78", 12345678],
    ["0.123", '"0.123" has 3 decimal places; amounts must be in whole cents (at most 2)'],
    [".5", 50],
    ["-0.00", 0],
    ["USD 20.00", 2000],
    ["EUR1.234,56", 123456],
    ["12,50 zł", 1250],
    ["1 234,56 Kč", 123456],
    ["Rs. 1,234.00", 123400],
    ["R$ 1.234,56", 123456],
    ["¥1,234", 123400],
    ["-$1,036.47", -103647],
  ];
  it.each(table)("%j → %j", (text, expected) => {
    expect(cents(text)).toEqual(expected);
  });

  it("uses the decimal separator hint when one separator and three digits are ambiguous", () => {
    expect(cents("1,234", ".")).toBe(123400);
    expect(cents("1,234", ",")).toMatch(/3 decimal places/);
    expect(cents("1.234", ",")).toBe(123400);
  });

  it("reports whether the text carried a sign or a CR/DR marker", () => {
    expect(parseMoney("12.00")).toEqual({ ok: true, cents: 1200, signed: false, marker: null });
    expect(parseMoney("12.00 CR")).toEqual({ ok: true, cents: 1200, signed: true, marker: "CR" });
    expect(parseMoney("-1")).toMatchObject({ signed: true, marker: null });
  });

  const bad: Array<[string, RegExp]> = [
    ["", /empty/],
    ["abc", /not a number/],
    ["12..3", /separators/],
    ["-12.00-", /two signs/],
    ["1.2.3,4.5", /separators/],
    ["9999999999999999999", /too large/],
    ["$", /no digits/],
  ];
  it.each(bad)("rejects %j with a message saying what is wrong", (text, message) => {
    const result = parseMoney(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("never throws and round-trips with formatMoney for any safe amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (value) => {
        expect(cents(formatMoney(value))).toBe(value === 0 ? 0 : value);
        expect(cents(formatMoney(value, { groupSeparator: ",", symbol: "$" }))).toBe(value);
        expect(cents(formatMoney(value, { decimalSeparator: ",", groupSeparator: "." }), ",")).toBe(value);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => parseMoney(text)).not.toThrow();
      }),
    );
  });
});

describe("formatMoney and the safe-integer guard", () => {
  it("formats cents with optional grouping, symbol and decimal comma", () => {
    expect(formatMoney(-123456)).toBe("-1234.56");
    expect(formatMoney(5)).toBe("0.05");
    expect(formatMoney(-123456, { groupSeparator: ",", symbol: "$" })).toBe("-$1,234.56");
    expect(formatMoney(123456789, { decimalSeparator: ",", groupSeparator: "." })).toBe("1.234.567,89");
  });

  it("refuses fractional cents and values beyond the safe-integer range", () => {
    expect(() => toCents(1.5)).toThrow(MoneyRangeError);
    expect(() => toCents(2 ** 53)).toThrow(/parseMoney/);
    expect(() => sumCents([Number.MAX_SAFE_INTEGER, 1])).toThrow(MoneyRangeError);
    expect(sumCents([100, -250, 5])).toBe(-145);
  });
});
