import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { normalizePayee } from "../src/csv/normalize.js";
import { loadLabeled } from "../src/eval/cli.js";
import { evaluate } from "../src/eval/evaluate.js";
import { generateLabeledSet, toCsv } from "../src/eval/generate.js";
import { parseAmountCents, readCsv } from "../src/eval/read-csv.js";

const csvPath = fileURLToPath(new URL("../data/labeled-transactions.csv", import.meta.url));
const binPath = fileURLToPath(new URL("../bin/eval.mjs", import.meta.url));

describe("labeled set", () => {
  it("is what the seeded generator produces, byte for byte", () => {
    expect(toCsv(generateLabeledSet())).toBe(readFileSync(csvPath, "utf8"));
  });

  it("has at least 3,000 rows and about 25 categories, in date order", () => {
    const rows = generateLabeledSet();
    expect(rows.length).toBeGreaterThanOrEqual(3000);
    expect(new Set(rows.map((r) => r.category)).size).toBeGreaterThanOrEqual(24);
    expect(rows.map((r) => r.date)).toEqual([...rows.map((r) => r.date)].sort());
  });
});

describe("readCsv", () => {
  it("reads quoted fields, doubled quotes, CRLF and a BOM", () => {
    expect(readCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n\r\nlast,\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["last", ""],
    ]);
  });

  it.each([
    ["-12.34", -1234],
    ["$1,036.47", 103647],
    ["(45.10)", -4510],
    ["7", 700],
    ["", Number.NaN],
  ])("parses amount %s", (text, cents) => {
    expect(parseAmountCents(text)).toBe(cents);
  });
});

describe("evaluate", () => {
  it("beats the payee lookup and naive Bayes baselines by a clear margin on the same split", () => {
    const data = loadLabeled(csvPath, { description: "description", label: "category", date: "date" });
    const { rows, train, test } = evaluate(data);
    expect(train + test).toBe(data.length);
    const [ours, payee, bayes] = rows;
    expect(ours!.accuracy).toBeGreaterThan(payee!.accuracy + 0.1);
    expect(ours!.accuracy).toBeGreaterThan(bayes!.accuracy + 0.1);
    expect(ours!.coverage).toBeGreaterThan(bayes!.coverage);
    expect(ours!.confidentAccuracy).toBeGreaterThan(bayes!.confidentAccuracy);
  });

  it("keeps a clear lead when the payee comes from the importer's normalizePayee, as in production", () => {
    const data = loadLabeled(csvPath, { description: "description", label: "category", date: "date" });
    for (const { txn } of data) txn.payee = normalizePayee(txn.description) || null;
    const [ours, payee, bayes] = evaluate(data).rows;
    expect(ours!.accuracy).toBeGreaterThan(payee!.accuracy + 0.1);
    expect(ours!.accuracy).toBeGreaterThan(bayes!.accuracy + 0.05);
    expect(ours!.confidentAccuracy).toBeGreaterThan(bayes!.confidentAccuracy);
  });

  it("learning each test row after predicting it (--online) only helps", () => {
    const data = loadLabeled(csvPath, { description: "description", label: "category", date: "date" });
    const [offline] = evaluate(data).rows;
    const [online] = evaluate(data, { online: true }).rows;
    expect(online!.accuracy).toBeGreaterThanOrEqual(offline!.accuracy);
  });

  it("runs as a command and prints the three models", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      binPath,
      csvPath,
      "--description",
      "description",
      "--label",
      "category",
      "--date",
      "date",
    ]);
    expect(stdout).toMatch(/history model \(ours\)\s+\d+\.\d%/);
    expect(stdout).toContain("payee lookup (baseline)");
    expect(stdout).toContain("naive Bayes (baseline)");
  });

  it("names the columns it has when a column is missing", () => {
    expect(() => loadLabeled(csvPath, { description: "memo", label: "category", date: "date" })).toThrow(
      /no column "memo".*date, description, amount, category/,
    );
  });
});
