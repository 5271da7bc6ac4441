import type { Json } from "@ledgerflow/jobs/client";

export interface SummaryLine {
  key: string;
  label: string;
  value: string;
}

// The seed's result fields, in the order a bookkeeper reads them; other fields follow, humanised.
const KNOWN_LABELS: Record<string, string> = {
  journal_entries_created: "Journal entries created",
  je_created: "Journal entries created",
  parsed: "Rows parsed",
  inserted: "Transactions imported",
  duplicates: "Duplicates skipped",
  duplicates_skipped: "Duplicates skipped",
  categorized: "Categorized",
  high_confidence: "High confidence",
  needs_review: "Needs review",
  processed: "Transactions processed",
  skipped: "Skipped",
};

/** Turns a job's JSON result into labelled lines: numbers, strings and booleans; list lengths as counts. */
export function summarizeResult(result: Json | null): SummaryLine[] {
  if (result === null || typeof result !== "object" || Array.isArray(result)) return [];
  const known = Object.keys(KNOWN_LABELS).filter((k) => k in result);
  const others = Object.keys(result).filter((k) => !(k in KNOWN_LABELS));
  const seenLabels = new Set<string>();
  const lines: SummaryLine[] = [];
  for (const key of [...known, ...others]) {
    const label = KNOWN_LABELS[key] ?? humanize(key);
    const value = formatValue(result[key] ?? null);
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
  if (Array.isArray(value)) return value.length.toLocaleString("en-US");
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
