/**
 * Recognising columns by their header text (the words live in lexicon.ts), and resolving a
 * caller's explicit mapping against a header.
 */
import { CsvFormatError } from "./errors.js";
import { HEADER_RULES, type HeaderRole } from "./lexicon.js";
import type { ColumnMapping, ColumnMappingInput, ColumnRef } from "./types.js";

/** Lower case, no accents, no punctuation, no "(SGD)"-style currency suffix. */
export function normalizeHeader(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .replace(/ä/g, "a")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** The role a header names, with how sure the lexicon is (higher is surer), or null. */
export function classifyHeader(header: string): { role: HeaderRole; priority: number } | null {
  const h = normalizeHeader(header);
  if (h === "") return null;
  for (const [role, priority, pattern] of HEADER_RULES) if (pattern.test(h)) return { role, priority };
  return null;
}

/** Detects the mapping from a header; null unless it has a date column and an amount-like column. */
export function detectMapping(headers: string[]): ColumnMapping | null {
  const best = new Map<HeaderRole, { index: number; priority: number }>();
  headers.forEach((header, index) => {
    const found = classifyHeader(header);
    if (!found) return;
    const current = best.get(found.role);
    if (!current || found.priority > current.priority)
      best.set(found.role, { index, priority: found.priority });
  });
  const at = (role: HeaderRole) => best.get(role)?.index ?? null;
  const date = at("date");
  const debit = at("debit");
  const credit = at("credit");
  const useDebitCredit = debit !== null && credit !== null;
  const amount = useDebitCredit ? null : at("amount");
  if (date === null || (amount === null && debit === null && credit === null)) return null;
  const description = at("description");
  return {
    date,
    description: description === null ? [] : [description],
    payee: at("payee"),
    amount,
    debit: amount === null ? debit : null,
    credit: amount === null ? credit : null,
    category: at("category"),
    // An unnamed column next to a single amount column often holds the CR/DR markers.
    marker: amount === null ? null : (at("marker") ?? unnamedColumn(headers)),
    balance: at("balance"),
    status: null,
  };
}

function unnamedColumn(headers: string[]): number | null {
  const index = headers.findIndex((h, i) => i > 0 && h.trim() === "");
  return index < 0 ? null : index;
}

/** Resolves one explicit column reference against the header. */
function resolveRef(ref: ColumnRef, headers: string[], what: string): number {
  if (typeof ref === "number") {
    if (Number.isInteger(ref) && ref >= 0 && (headers.length === 0 || ref < headers.length)) return ref;
    throw new CsvFormatError(
      "bad-mapping",
      `The mapping puts the ${what} in column index ${ref}, but the file has ${headers.length} columns; use a 0-based index below ${headers.length}.`,
    );
  }
  const wanted = ref.trim().toLowerCase();
  const index = headers.findIndex((h) => h.trim().toLowerCase() === wanted);
  if (index >= 0) return index;
  throw new CsvFormatError(
    "bad-mapping",
    `The mapping names column "${ref}" for the ${what}, but the header has ${headers.map((h) => `"${h}"`).join(", ")}; use one of those names or a 0-based index.`,
  );
}

/** Detected mapping with the caller's explicit choices applied on top; explicit wins. */
export function applyMapping(
  detected: ColumnMapping | null,
  input: ColumnMappingInput,
  headers: string[],
): ColumnMapping | null {
  const ref = (value: ColumnRef | undefined, what: string) =>
    value === undefined ? undefined : resolveRef(value, headers, what);
  const date = ref(input.date, "date") ?? detected?.date;
  const explicitAmount =
    input.amount !== undefined || input.debit !== undefined || input.credit !== undefined;
  const amount = explicitAmount ? (ref(input.amount, "amount") ?? null) : (detected?.amount ?? null);
  const debit = explicitAmount ? (ref(input.debit, "debit") ?? null) : (detected?.debit ?? null);
  const credit = explicitAmount ? (ref(input.credit, "credit") ?? null) : (detected?.credit ?? null);
  if (date === undefined || (amount === null && debit === null && credit === null)) return null;
  const descriptions =
    input.description === undefined
      ? (detected?.description ?? [])
      : (Array.isArray(input.description) ? input.description : [input.description]).map((d) =>
          resolveRef(d, headers, "description"),
        );
  return {
    date,
    description: descriptions,
    payee: ref(input.payee, "payee") ?? detected?.payee ?? null,
    amount,
    debit,
    credit,
    category: ref(input.category, "category") ?? detected?.category ?? null,
    marker: amount === null ? null : (ref(input.marker, "marker") ?? keptMarker(detected, amount, input)),
    balance: ref(input.balance, "balance") ?? detected?.balance ?? null,
    status: detected?.status ?? null,
  };
}

/** A detected marker still applies when the caller kept the detected amount column. */
function keptMarker(
  detected: ColumnMapping | null,
  amount: number,
  input: ColumnMappingInput,
): number | null {
  if (!detected || detected.amount !== amount || input.marker !== undefined) return null;
  return detected.marker;
}

/** Whether a record contains every column the explicit mapping names by text. */
export function namesExplicitColumns(fields: string[], input: ColumnMappingInput): boolean {
  const names = Object.values(input)
    .flat()
    .filter((v): v is string => typeof v === "string")
    .map((v) => v.trim().toLowerCase());
  if (names.length === 0) return false;
  const present = new Set(fields.map((f) => f.trim().toLowerCase()));
  return names.every((name) => present.has(name));
}
