import { describe, expect, it } from "vitest";
import { fingerprintRows, parseBankCsv } from "../src/csv/index.js";

const FILE = [
  "Date,Description,Amount",
  "2024-02-01,Coffee Corner,-3.50",
  "2024-02-01,Coffee Corner,-3.50",
  "2024-02-01,COFFEE  corner,-3.50",
  "2024-02-01,Coffee Corner,-4.00",
  "2024-02-02,Coffee Corner,-3.50",
].join("\n");

describe("fingerprintRows", () => {
  it("gives identical rows in one file different fingerprints (two coffees are both kept)", async () => {
    const { rows } = await parseBankCsv(FILE);
    const prints = fingerprintRows(rows);
    expect(prints).toHaveLength(5);
    expect(new Set(prints).size).toBe(5);
    expect(prints.every((p) => /^[0-9a-f]{32}$/.test(p))).toBe(true);
  });

  it("is stable across re-imports, so a second import of the same file matches every row", async () => {
    const first = fingerprintRows((await parseBankCsv(FILE)).rows);
    const again = fingerprintRows((await parseBankCsv(new TextEncoder().encode(`\ufeff${FILE}\r\n`))).rows);
    expect(again).toEqual(first);
  });

  it("treats a description differing only in case and spacing as the same, counting occurrences", () => {
    const base = { date: "2024-02-01", amountCents: -350 };
    const [a1, a2] = fingerprintRows([
      { ...base, description: "Coffee Corner" },
      { ...base, description: "COFFEE  corner " },
    ]);
    const [b1] = fingerprintRows([{ ...base, description: "coffee corner" }]);
    expect(a1).toBe(b1);
    expect(a2).not.toBe(a1);
  });

  it("changes with the date, the amount and the description", () => {
    const base = { date: "2024-02-01", amountCents: -350, description: "Coffee" };
    const [print] = fingerprintRows([base]);
    for (const changed of [
      { ...base, date: "2024-02-02" },
      { ...base, amountCents: 350 },
      { ...base, description: "Tea" },
    ]) {
      expect(fingerprintRows([changed])[0]).not.toBe(print);
    }
  });
});
