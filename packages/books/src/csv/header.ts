/**
 * Finding the header record — or, in a file without one, the first transaction, mapped by
 * an index-only explicit mapping or by what the columns contain.
 */
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

/** Reads records until the header; throws the one-sentence CsvFormatError when there is none. */
export async function findHeader(
  records: AsyncIterator<CsvRecord>,
  explicit: ColumnMappingInput | undefined,
): Promise<FoundHeader> {
  const preamble: CsvRecord[] = [];
  while (preamble.length < HEADER_SEARCH_RECORDS) {
    const next = await records.next();
    if (next.done) break;
    const record = next.value;
    const mapping = mappingFor(record.fields, explicit);
    if (mapping) return { record, mapping, isData: false, preamble, pending: [], inferred: false };
    const headerless = headerlessMapping(record.fields, explicit);
    if (headerless)
      return { record, mapping: headerless, isData: true, preamble, pending: [], inferred: false };
    preamble.push(record);
  }
  const inferred = explicit === undefined ? inferMappingFromContent(preamble) : null;
  if (inferred) {
    const { mapping, firstData } = inferred;
    const [record, ...pending] = preamble.slice(firstData);
    return {
      record: record!,
      mapping,
      isData: true,
      preamble: preamble.slice(0, firstData),
      pending,
      inferred: true,
    };
  }
  throw notTransactions(preamble, explicit !== undefined);
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
  const found = first
    ? `its first line reads "${first.raw.slice(0, 80)}${first.raw.length > 80 ? "…" : ""}"`
    : "it has no text lines";
  const fix = explicit
    ? "check that the column names in the mapping match the file's header"
    : "upload your bank's CSV export of transactions, or give the column mapping by hand";
  return new CsvFormatError(
    "not-transactions",
    `No header with a date column and an amount column was found in the first ${HEADER_SEARCH_RECORDS} lines, and ${found}; ${fix}.`,
  );
}
