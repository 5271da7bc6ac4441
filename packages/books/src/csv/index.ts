export { CsvFormatError, type CsvFormatErrorCode, isRowError } from "./errors.js";
export { type FingerprintInput, fingerprintRows } from "./fingerprint.js";
export { normalizeDescription, normalizePayee } from "./normalize.js";
export { type CsvInspection, inspectCsv, parseBankCsv } from "./parse.js";
export type { CsvSource } from "./source.js";
export { type CsvStream, DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, parseBankCsvStream } from "./stream.js";
export { ASK_BELOW } from "./table.js";
export type {
  BalanceSummary,
  ColumnMapping,
  ColumnMappingInput,
  ColumnRef,
  CsvFileInfo,
  DateOrder,
  EncodingName,
  InferenceInfo,
  MappingAlternative,
  ParseCsvOptions,
  ParseCsvResult,
  ParsedRow,
  RowError,
  SignConvention,
  SkippedLine,
} from "./types.js";
