import type { ParsedRow, RowError } from "./types.js";

export type CsvFormatErrorCode =
  | "empty"
  | "binary"
  | "not-transactions"
  | "bad-mapping"
  | "too-large"
  | "too-many-rows";

/**
 * The one exception of the importer: the file as a whole cannot be imported. Its message
 * is a single sentence saying what was found and what to do. Problems with single rows
 * never throw; they come back as `RowError`s.
 */
export class CsvFormatError extends Error {
  override readonly name = "CsvFormatError";
  readonly code: CsvFormatErrorCode;

  constructor(code: CsvFormatErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isRowError(item: ParsedRow | RowError): item is RowError {
  return "message" in item && !("amountCents" in item);
}
