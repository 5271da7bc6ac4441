import { describe, expect, it } from "vitest";
import { summarizeResult } from "../src/index.js";

describe("summarizeResult", () => {
  it("puts the seed's fields first with their labels and leaves lists to the detail view", () => {
    expect(
      summarizeResult({
        llm: "disabled",
        needs_review: 15,
        journal_entries_created: 95,
        high_confidence: 80,
        errors: [1, 2],
      }),
    ).toEqual([
      { key: "journal_entries_created", label: "Journal entries created", value: "95" },
      { key: "high_confidence", label: "High confidence", value: "80" },
      { key: "needs_review", label: "Needs review", value: "15" },
      { key: "llm", label: "LLM", value: "off (not configured)" },
    ]);
  });

  it("humanises unknown keys, shows one line when two keys mean the same thing, nothing for non-objects", () => {
    expect(summarizeResult({ rowsTouched: 4 })).toEqual([
      { key: "rowsTouched", label: "Rows touched", value: "4" },
    ]);
    expect(summarizeResult({ je_created: 3, journal_entries_created: 3 })).toHaveLength(1);
    expect(summarizeResult(null)).toEqual([]);
    expect(summarizeResult([1, 2])).toEqual([]);
    expect(summarizeResult({ nested: { a: 1 } })).toEqual([]);
  });
});
