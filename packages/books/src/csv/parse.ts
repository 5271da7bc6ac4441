import { CsvFormatError, isRowError } from "./errors.js";
import type { CsvSource } from "./source.js";
import { parseBankCsvStream } from "./stream.js";
import type { CsvFileInfo, ParseCsvOptions, ParseCsvResult, ParsedRow, RowError } from "./types.js";

/**
 * Parses a whole bank export. Row problems come back in `errors`; a file that cannot be
 * imported at all (empty, binary, no transaction header, over the limits) throws
 * `CsvFormatError` with a one-sentence message. Nothing else is thrown.
 */
export async function parseBankCsv(
  source: CsvSource,
  options: ParseCsvOptions = {},
): Promise<ParseCsvResult> {
  const stream = parseBankCsvStream(source, options);
  const rows: ParsedRow[] = [];
  const errors: RowError[] = [];
  for await (const item of stream) {
    if (isRowError(item)) errors.push(item);
    else rows.push(item);
  }
  return {
    ...stream.info!,
    rows,
    errors,
    warnings: stream.warnings,
    skipped: stream.skipped,
    dateOrder: stream.dateOrder,
    signConvention: stream.signConvention ?? "signed",
    balance: stream.balance,
  };
}

export interface CsvInspection extends CsvFileInfo {
  sampleRows: ParsedRow[];
  sampleErrors: RowError[];
}

/**
 * A quick look for the upload route: detects the format and reads the first rows, so a
 * file that is not a transaction export is rejected before a job is enqueued. Throws
 * `CsvFormatError` exactly as `parseBankCsv` would.
 */
export async function inspectCsv(
  source: Uint8Array | string,
  options: ParseCsvOptions & { sampleSize?: number } = {},
): Promise<CsvInspection> {
  const { sampleSize = 5, ...parseOptions } = options;
  const stream = parseBankCsvStream(source, parseOptions);
  const sampleRows: ParsedRow[] = [];
  const sampleErrors: RowError[] = [];
  for await (const item of stream) {
    if (isRowError(item)) sampleErrors.push(item);
    else sampleRows.push(item);
    if (sampleRows.length + sampleErrors.length >= sampleSize) break;
  }
  if (!stream.info) throw new CsvFormatError("not-transactions", "The file has no transactions.");
  return { ...stream.info, sampleRows, sampleErrors };
}
