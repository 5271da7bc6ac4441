/**
 * Finding the header record — or, in a file without one, the first transaction, mapped by
 * an index-only explicit mapping or by what the columns contain.
 */
import { quoted } from "../money.js";
import { applyMapping, detectMapping, namesExplicitColumns } from "./columns.js";
import { readDate } from "./dates.js";
import { CsvFormatError } from "./errors.js";
import { inferMappingFromContent } from "./infer-columns.js";
import type { CsvRecord } from "./records.js";
import type { ColumnMapping, ColumnMappingInput } from "./types.js";

// Bank preambles are a handful of lines; 50 records is generous without reading far into a wrong file.
export const HEADER_SEARCH_RECORDS = 50;

export interface FoundHeader {
  record: CsvRecord;
  mapping: ColumnMapping;
  /** True when the file has no header and `record` is already the first transaction. */
  isData: boolean;
  /** The records above it: the bank's account details. */
  preamble: CsvRecord[];
  /** Records already read after `record`, to be processed before the rest of the file. */
  pending: CsvRecord[];
  /** The mapping was inferred from the columns' contents because the file has no header. */
  inferred: boolean;
}

/**
 * Reads up to 50 records and takes the best header among them: the one naming the most
 * roles, plus one when the record after it starts with a date. A card statement's summary
 * ("Statement Date,Minimum Amount Due") names a date and an amount too, but fewer roles
 * than the transaction header below it. Throws the one-sentence CsvFormatError when none.
 */
export async function findHeader(
  nextRecord: () => Promise<CsvRecord | undefined>,
  explicit: ColumnMappingInput | undefined,
  /** Told each candidate's width, so quotes spanning lines below it are checked against it. */
  onCandidate: (width: number) => void = () => {},
): Promise<FoundHeader> {
  const seen: CsvRecord[] = [];
  const candidates: Array<{ index: number; mapping: ColumnMapping; score: number }> = [];
  while (seen.length < HEADER_SEARCH_RECORDS) {
    const record = await nextRecord();
    if (record === undefined) break;
    seen.push(record);
    if (isBlank(record)) continue;
    const previous = candidates.at(-1);
    if (previous && previous.index === lastNonBlankBefore(seen, seen.length - 1)) {
      if (readDate(record.fields[previous.mapping.date] ?? "") !== null) previous.score += 1;
    }
    const mapping = mappingFor(record.fields, explicit);
    if (mapping) {
      candidates.push({ index: seen.length - 1, mapping, score: roleCount(mapping) });
      onCandidate(record.fields.length);
      continue;
    }
    const headerless = candidates.length === 0 ? headerlessMapping(record.fields, explicit) : null;
    if (headerless) return found(seen, seen.length - 1, headerless, { isData: true, inferred: false });
  }
  const best = candidates.reduce<(typeof candidates)[number] | undefined>(
    (top, c) => (top === undefined || c.score > top.score ? c : top),
    undefined,
  );
  if (best) return found(seen, best.index, best.mapping, { isData: false, inferred: false });
  const inferred = explicit === undefined ? inferMappingFromContent(seen) : null;
  if (inferred) return found(seen, inferred.firstData, inferred.mapping, { isData: true, inferred: true });
  throw notTransactions(seen, explicit !== undefined);
}

function found(
  seen: CsvRecord[],
  index: number,
  mapping: ColumnMapping,
  how: { isData: boolean; inferred: boolean },
): FoundHeader {
  return {
    record: seen[index]!,
    mapping,
    ...how,
    preamble: seen.slice(0, index),
    pending: seen.slice(index + 1),
  };
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.every((f) => f.trim() === "");
}

function lastNonBlankBefore(seen: CsvRecord[], index: number): number {
  for (let i = index - 1; i >= 0; i--) if (!isBlank(seen[i]!)) return i;
  return -1;
}

function roleCount(m: ColumnMapping): number {
  const amount = m.amount !== null || m.debit !== null || m.credit !== null;
  return (
    1 +
    (amount ? 1 : 0) +
    (m.description.length > 0 ? 1 : 0) +
    (m.payee !== null ? 1 : 0) +
    (m.category !== null ? 1 : 0)
  );
}

function mappingFor(fields: string[], explicit: ColumnMappingInput | undefined): ColumnMapping | null {
  const detected = detectMapping(fields);
  if (explicit === undefined) return detected;
  if (!detected && !namesExplicitColumns(fields, explicit)) return null;
  return applyMapping(detected, explicit, fields);
}

/** A file without a header can still be read with a mapping made only of column indexes. */
function headerlessMapping(fields: string[], explicit: ColumnMappingInput | undefined): ColumnMapping | null {
  const refs = explicit ? Object.values(explicit).flat() : [];
  if (!explicit || !refs.every((ref) => typeof ref === "number")) return null;
  const mapping = applyMapping(null, explicit, []);
  if (!mapping || readDate(fields[mapping.date] ?? "") === null) return null;
  return mapping;
}

function notTransactions(head: CsvRecord[], explicit: boolean): CsvFormatError {
  const first = head.find((r) => r.fields.some((f) => f.trim() !== ""));
  const found = first ? `its first line reads ${quoted(first.raw)}` : "it has no text lines";
  const fix = explicit
    ? "check that the column names in the mapping match the file's header"
    : "upload your bank's CSV export of transactions, or give the column mapping by hand";
  return new CsvFormatError(
    "not-transactions",
    `No header with a date column and an amount column was found in the first ${HEADER_SEARCH_RECORDS} lines, and ${found}; ${fix}.`,
  );
}
