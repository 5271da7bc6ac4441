import { describe, expect, it } from "vitest";
import { loadBuiltInPrior, rowFingerprint } from "../src/categorize/prior/model.js";
import { evaluateColdStart } from "../src/eval/cold-start.js";
import { evaluate } from "../src/eval/evaluate.js";
import { LabeledFileError, parseLabeled } from "../src/eval/load.js";

const cols = { description: "Description", label: "Category", date: "Date" };

/** Twelve months of one merchant per month, written m/d/yyyy: text order is not date order. */
function usFile(): string {
  const lines = ["Date,Description,Amount,Category"];
  for (let m = 1; m <= 12; m++) lines.push(`${m}/15/2024,SHOP ${m},-${m}.00,Cat ${m}`);
  return lines.join("\n");
}

describe("eval loads labeled files", () => {
  it("reads m/d/yyyy dates as dates, so the time-ordered split trains on the oldest rows", () => {
    const data = parseLabeled(usFile(), cols);
    expect(data.map((d) => d.txn.date).slice(0, 3)).toEqual(["2024-01-15", "2024-02-15", "2024-03-15"]);
    const e = evaluate(data, { trainShare: 0.75 });
    expect(e.train).toBe(9);
    // As text, "10/15", "11/15" and "12/15" sort before "2/15": the test split would be Feb–Apr.
    const test = data.filter((d) => d.txn.date > "2024-09-30").map((d) => d.accountId);
    expect(test).toEqual(["Cat 10", "Cat 11", "Cat 12"]);
  });

  it("refuses a file with a date that does not parse, naming the line and the cell", () => {
    const text = `${usFile()}\n13/45/2024,BAD,-1.00,Cat 1`;
    expect(() => parseLabeled(text, cols)).toThrow(LabeledFileError);
    expect(() => parseLabeled(text, cols)).toThrow(/line 14: the Date "13\/45\/2024"/);
    expect(() => parseLabeled("Date,Description,Category\nyesterday,X,Y", cols)).toThrow(
      /line 2: the Date "yesterday" is not a date/,
    );
  });

  it("refuses a file that mixes day-first and month-first dates", () => {
    const text = "date,description,category\n25/01/2024,A,X\n01/25/2024,B,Y";
    expect(() => parseLabeled(text, { description: "description", label: "category", date: "date" })).toThrow(
      /mixes day-first \(line 2\) and month-first \(line 3\)/,
    );
  });

  it("matches column names case-insensitively and reads an Amount column without being told", () => {
    const data = parseLabeled(usFile(), { description: "description", label: "CATEGORY", date: "date" });
    expect(data[2]!.txn.amountCents).toBe(-300);
    expect(() => parseLabeled(usFile(), { ...cols, amount: "Value" })).toThrow(
      /no column "Value" for --amount in the file; the header has: Date, Description, Amount, Category/,
    );
  });

  it("takes the direction from --amount-sign when amounts are all positive", () => {
    const text =
      "Date,Description,Amount,Type,Category\n2024-01-02,PAY,12.50,DEBIT,X\n2024-01-03,DEP,99.00,Credit,Y";
    const data = parseLabeled(text, { ...cols, amountSign: "type" });
    expect(data.map((d) => d.txn.amountCents)).toEqual([-1250, 9900]);
    expect(() => parseLabeled(text.replace("Credit", "maybe"), { ...cols, amountSign: "Type" })).toThrow(
      /line 3: the Type "maybe" does not say a direction/,
    );
  });

  it("refuses an amount that is not a number, naming the line", () => {
    const text = "Date,Description,Amount,Category\n2024-01-02,PAY,twelve,X";
    expect(() => parseLabeled(text, cols)).toThrow(/line 2: the Amount "twelve" is not an amount/);
  });
});

describe("eval --cold-start", () => {
  it("refuses to score the prior on rows it was trained on", () => {
    const prior = loadBuiltInPrior();
    const trained = {
      date: "2024-03-01",
      description: "STARBUCKS 0094 SEATTLE WA",
      amountCents: -2698,
    };
    const fake = {
      ...prior,
      trainedOn: { ...prior.trainedOn, fingerprints: [rowFingerprint(trained)] },
    };
    const data = [
      {
        txn: { id: "0", date: "2024-01-01", description: "NETFLIX", payee: null, amountCents: -1599 },
        accountId: "Software & Subscriptions",
      },
      { txn: { id: "1", payee: null, ...trained }, accountId: "Meals & Entertainment" },
    ];
    expect(() => evaluateColdStart(data, { trainShare: 0.5, prior: fake })).toThrow(
      /the prior was trained on 1 of the 1 test rows/,
    );
    const e = evaluateColdStart(data, { trainShare: 0.5, prior });
    expect(e.test).toBe(1);
    expect(e.rows[0]!.accuracy).toBe(1);
  });
});
