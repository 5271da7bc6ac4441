import type { Json } from "@ledgerflow/jobs/client";

export interface SummaryLine {
  key: string;
  label: string;
  value: string;
}

// The seed's result fields, in the order a bookkeeper reads them; other fields follow, humanised.
const KNOWN_LABELS: Record<string, string> = {
  journal_entries_created: "Journal entries created",
  parsed: "Rows parsed",
  inserted: "Transactions imported",
  duplicates: "Duplicates skipped",
  invalid: "Rows with errors",
  categorized: "Categorized",
  je_created: "Journal entries created",
  high_confidence: "High confidence",
  needs_review: "Needs review",
  uncategorized: "Still uncategorized",
  llm: "LLM",
};

// Values that read better in words (the books tasks report whether the LLM took part).
const VALUE_WORDS: Record<string, Record<string, string>> = {
  llm: { ok: "used", disabled: "off (not configured)", error: "failed — see the server log" },
};

/**
 * Turns a job's JSON result into labelled lines: numbers, strings and booleans. Lists and objects
 * (e.g. the first 100 row errors of an import) are left to the job's detail view.
 */
export function summarizeResult(result: Json | null): SummaryLine[] {
  if (result === null || typeof result !== "object" || Array.isArray(result)) return [];
  const known = Object.keys(KNOWN_LABELS).filter((k) => k in result);
  const others = Object.keys(result).filter((k) => !(k in KNOWN_LABELS));
  const seenLabels = new Set<string>();
  const lines: SummaryLine[] = [];
  for (const key of [...known, ...others]) {
    const label = KNOWN_LABELS[key] ?? humanize(key);
    const raw = result[key] ?? null;
    const value = (typeof raw === "string" && VALUE_WORDS[key]?.[raw]) || formatValue(raw);
    if (value === null || seenLabels.has(label)) continue;
    seenLabels.add(label);
    lines.push({ key, label, value });
  }
  return lines;
}

function formatValue(value: Json): string | null {
  if (typeof value === "number") return value.toLocaleString("en-US");
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  return null;
}

function humanize(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
