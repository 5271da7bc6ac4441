import { describe, expect, it } from "vitest";
import { summarizeResult } from "../src/index.js";

describe("summarizeResult", () => {
  it("puts the seed's fields first with their labels, then humanises the rest", () => {
    expect(
      summarizeResult({
        llm: "off",
        needs_review: 15,
        journal_entries_created: 95,
        high_confidence: 80,
        errors: [1, 2],
      }),
    ).toEqual([
      { key: "journal_entries_created", label: "Journal entries created", value: "95" },
      { key: "high_confidence", label: "High confidence", value: "80" },
      { key: "needs_review", label: "Needs review", value: "15" },
      { key: "llm", label: "Llm", value: "off" },
      { key: "errors", label: "Errors", value: "2" },
    ]);
  });

  it("shows one line when two keys mean the same thing, and nothing for non-objects", () => {
    expect(summarizeResult({ je_created: 3, journal_entries_created: 3 })).toHaveLength(1);
    expect(summarizeResult(null)).toEqual([]);
    expect(summarizeResult([1, 2])).toEqual([]);
    expect(summarizeResult({ nested: { a: 1 } })).toEqual([]);
  });
});
