/**
 * Finding the table in the first records of a file: which records are transactions (a
 * plausible date and an amount in the same record), which record above them names the
 * columns (if any), and what the columns hold (table.ts). The bank's preamble above the
 * header and summary lines between it and the first transaction are reported as skipped.
 */
import { type DecimalSeparator, quoted } from "../money.js";
import { inferDecimalSeparator } from "./amounts.js";
import { applyMapping, detectMapping, namesExplicitColumns } from "./columns.js";
import { readDate } from "./dates.js";
import { CsvFormatError } from "./errors.js";
import { PENDING_WORDS, SUMMARY_START } from "./lexicon.js";
import { amountCents, type DateWindow, windowDate } from "./profile.js";
import type { CsvRecord } from "./records.js";
import { type ColumnInference, inferColumns } from "./table.js";
import type { ColumnMapping, ColumnMappingInput } from "./types.js";

// Bank preambles are a handful of lines; 50 records is generous without reading far into a wrong file.
export const HEADER_SEARCH_RECORDS = 50;
// A header narrower than this share of the data rows is a preamble line ("Account;1234").
const HEADER_WIDTH_SHARE = 0.6;
// Pending or summary rows may sit between a header and its first booked transaction.
const MAX_GAP = 10;

export interface FoundTable {
  /** The header record, or the first transaction when the file has no header. */
  record: CsvRecord;
  isData: boolean;
  /** The records above `record`: the bank's account details. */
  preamble: CsvRecord[];
  /** Records already read after `record`, to be processed before the rest of the file. */
  pending: CsvRecord[];
  mapping: ColumnMapping;
  /** True when the file has no header and its columns were recognised by content. */
  inferred: boolean;
  /** What the content said; null when an explicit mapping decided everything. */
  inference: ColumnInference | null;
  decimal: DecimalSeparator;
}

const isBlank = (r: CsvRecord) => r.fields.every((f) => f.trim() === "");

export function findTable(
  head: CsvRecord[],
  explicit: ColumnMappingInput | undefined,
  window: DateWindow,
  delimiter: string,
): FoundTable {
  const records = head.filter((r) => !isBlank(r));
  const data = records.map((r) => isDataRecord(r, window));
  // With no recognisable transaction at all, a header the lexicon reads still lets every row
  // come back as a row error with its line, which says more than refusing the file.
  const headerAt =
    pickHeader(records, data, explicit) ??
    (data.includes(true)
      ? null
      : records.findIndex((r, i) => i < HEADER_SEARCH_RECORDS && detectMapping(r.fields)));
  if (headerAt === -1) throw notTransactions(records, explicit !== undefined);
  const start = headerAt === null ? data.indexOf(true) : headerAt + 1;
  if (start < 0 || (headerAt === null && explicit !== undefined && !numericOnly(explicit))) {
    throw notTransactions(records, explicit !== undefined);
  }
  const headers = headerAt === null ? [] : records[headerAt]!.fields.map((h) => h.trim());
  // Summary rows (opening and closing balances) are not transactions: they would blur the profiles.
  const tableRows = records
    .slice(start)
    .filter((r, i) => data[start + i] && !r.fields.some((f) => SUMMARY_START.test(f)));
  const decimal = inferDecimalSeparator(
    tableRows.flatMap((r) => r.fields.filter((f) => amountCents(f.trim(), undefined) !== null)),
    delimiter,
  );
  const inference = inferColumns(
    tableRows.map((r) => r.fields),
    headers,
    window,
    decimal,
  );
  const fromHeader = headers.length > 0 ? detectMapping(headers) : null;
  let mapping = inference ? mergeHeaderRoles(inference, fromHeader) : fromHeader;
  if (explicit !== undefined) {
    mapping = applyMapping(mapping, explicit, headers);
    if (!mapping) throw notTransactions(records, true);
  }
  if (!mapping) throw notTransactions(records, false);

  const record = headerAt === null ? firstDataRecord(records, data, mapping) : records[headerAt]!;
  const at = head.indexOf(record);
  return {
    record,
    isData: headerAt === null,
    preamble: head.slice(0, at),
    pending: head.slice(at + 1),
    mapping,
    inferred: headerAt === null && explicit === undefined,
    inference: explicit === undefined ? inference : null,
    decimal,
  };
}

/** A transaction record: a plausible date and, in another field, an amount. */
function isDataRecord(record: CsvRecord, window: DateWindow): boolean {
  let date = -1;
  for (let i = 0; i < record.fields.length; i++) {
    if (windowDate(record.fields[i]!.trim(), window) !== null) {
      date = i;
      break;
    }
  }
  if (date < 0) return false;
  return record.fields.some((f, i) => i !== date && amountCents(f.trim(), undefined) !== null);
}

/** A record that names columns: several cells of words, no date, at most one number. */
function headerLike(record: CsvRecord): boolean {
  const cells = record.fields.map((f) => f.trim()).filter((f) => f !== "");
  if (cells.length < 2) return false;
  if (cells.some((c) => readDate(c) !== null || PENDING_WORDS.has(c.toLowerCase()))) return false;
  const numbers = cells.filter((c) => /^[-+(]?[\d.,' ]+\)?$/.test(c)).length;
  const words = cells.filter((c) => /\p{L}/u.test(c)).length;
  return numbers <= 1 && words >= cells.length * 0.5;
}

/**
 * The header: among header-like records within the first 50, the one followed by the largest
 * block of transactions (a card statement's summary header heads one row, the transaction
 * header many), then the one naming the most column roles.
 */
function pickHeader(
  records: CsvRecord[],
  data: boolean[],
  explicit: ColumnMappingInput | undefined,
): number | null {
  const named = explicit && !numericOnly(explicit);
  let best: { index: number; score: number } | null = null;
  const limit = Math.min(records.length, HEADER_SEARCH_RECORDS);
  for (let k = 0; k < limit; k++) {
    const record = records[k]!;
    if (named && namesExplicitColumns(record.fields, explicit)) return k;
    if (!headerLike(record)) continue;
    let block = 0;
    let width = 0;
    let gap = 0;
    for (let j = k + 1; j < records.length; j++) {
      if (data[j]) {
        block++;
        width = Math.max(width, records[j]!.fields.length);
      } else if (block > 0 && headerLike(records[j]!)) break;
      else if (block === 0 && ++gap > MAX_GAP) break;
    }
    if (block === 0 || record.fields.length < width * HEADER_WIDTH_SHARE) continue;
    const roles = detectMapping(record.fields) ? 5 : 0;
    const allWords = record.fields.every((f) => f.trim() === "" || !/\d/.test(f)) ? 2 : 0;
    const score = block * 10 + roles + allWords - gap;
    if (best === null || score > best.score) best = { index: k, score };
  }
  return best?.index ?? null;
}

function numericOnly(explicit: ColumnMappingInput): boolean {
  return Object.values(explicit)
    .flat()
    .every((ref) => typeof ref === "number");
}

function firstDataRecord(records: CsvRecord[], data: boolean[], mapping: ColumnMapping): CsvRecord {
  const index = records.findIndex((r, i) => data[i] && readDate((r.fields[mapping.date] ?? "").trim()));
  return records[index < 0 ? data.indexOf(true) : index] ?? records[0]!;
}

/**
 * Content decides the date and the money; a header's words still name the text roles
 * (description, payee, category) when it has them, since those do not change any amount.
 */
function mergeHeaderRoles(inference: ColumnInference, fromHeader: ColumnMapping | null): ColumnMapping {
  const m = inference.mapping;
  if (!fromHeader) return m;
  const money = new Set([m.date, m.amount, m.debit, m.credit, m.marker, m.balance]);
  const free = (c: number | null) => (c !== null && !money.has(c) ? c : null);
  const description = fromHeader.description.filter((c) => !money.has(c));
  const headerMarker = m.amount !== null && m.marker === null ? free(fromHeader.marker) : null;
  return {
    ...m,
    description: description.length > 0 ? description : m.description,
    payee: free(fromHeader.payee) ?? m.payee,
    category: free(fromHeader.category) ?? m.category,
    marker: m.marker ?? headerMarker,
    balance: m.balance ?? free(fromHeader.balance),
  };
}

function notTransactions(head: CsvRecord[], explicit: boolean): CsvFormatError {
  const first = head.find((r) => r.fields.some((f) => f.trim() !== ""));
  const found = first ? `its first line reads ${quoted(first.raw)}` : "it has no text lines";
  const fix = explicit
    ? "check that the column names in the mapping match the file's header"
    : "upload your bank's CSV export of transactions, or give the column mapping by hand";
  return new CsvFormatError(
    "not-transactions",
    `No header with a date column and an amount column was found in the first ${HEADER_SEARCH_RECORDS} lines, nor a column of dates with amounts beside it, and ${found}; ${fix}.`,
  );
}
