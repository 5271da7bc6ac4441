/**
 * Glossary of the CSV importer.
 * - line: 1-based physical line of the decoded file; a record spanning lines is named by its first.
 * - record: the fields of one CSV row after quote handling.
 * - header: the record naming the columns; junk lines (bank name, account number) may precede it.
 * - mapping: which column holds the date, description, amount, etc. Detected, or given by the caller.
 * - continuation row: a record with only text, which continues the previous row's description.
 * - pending row: a transaction the bank has not booked yet (no date); skipped with a note.
 */
import type { Cents, DecimalSeparator } from "../money.js";

/** Day/month/year order of numeric dates such as 03/04/2020. */
export type DateOrder = "DMY" | "MDY" | "YMD";

/** A column named by its header text (case-insensitive) or by its 0-based index. */
export type ColumnRef = string | number;

/** An explicit mapping; any field given here wins over detection. */
export interface ColumnMappingInput {
  date?: ColumnRef;
  description?: ColumnRef | ColumnRef[];
  payee?: ColumnRef;
  amount?: ColumnRef;
  debit?: ColumnRef;
  credit?: ColumnRef;
  category?: ColumnRef;
  /** A column of CR/DR (D/K, Af/Bij…) markers beside an unsigned amount. */
  marker?: ColumnRef;
  /** The running balance, used to check the reading and to report the closing balance. */
  balance?: ColumnRef;
}

/** The resolved mapping, as 0-based column indexes. */
export interface ColumnMapping {
  date: number;
  /** Several description columns are joined with " · " (e.g. booking text and purpose). */
  description: number[];
  payee: number | null;
  amount: number | null;
  debit: number | null;
  credit: number | null;
  category: number | null;
  /** A column holding only CR/DR (or S/H) markers, when the bank puts them apart from the amount. */
  marker: number | null;
  /** The running balance after (or before) each row, when the file has one. */
  balance: number | null;
  /** A status column whose PENDING rows are not booked yet (skipped with a note). */
  status: number | null;
}

export interface ParsedRow {
  line: number;
  /** ISO date, YYYY-MM-DD. */
  date: string;
  description: string;
  /** The payee column when the file has one, otherwise `normalizePayee(description)`. */
  payee: string;
  /** Negative means money out of the account. */
  amountCents: Cents;
  category?: string;
  /** The source text of the record, continuation lines included. */
  raw: string;
}

export interface RowError {
  line: number;
  /** The header of the offending column, or null when the whole record is at fault. */
  column: string | null;
  /** What was wrong and what to do about it. */
  message: string;
}

/** A line deliberately not imported, with the reason (not an error). */
export interface SkippedLine {
  line: number;
  reason: string;
}

/** How a single amount column's signs are read (debit/credit columns always say the direction). */
export type SignConvention =
  /** Amounts are signed as written: negative is money out (most bank accounts). */
  | "signed"
  /** Unsigned amounts are money out and credits carry CR or "+" (card statements). */
  | "unsigned-is-out"
  /** Every amount is negated: card exports that list charges positive and payments negative (Amex). Never inferred. */
  | "inverted";

export interface ParseCsvOptions {
  mapping?: ColumnMappingInput;
  dateOrder?: DateOrder;
  decimalSeparator?: DecimalSeparator;
  delimiter?: string;
  signConvention?: SignConvention;
  /** Reject the file past this many bytes. Default 10 MB. */
  maxBytes?: number;
  /** Reject the file past this many transaction rows. Default 200,000. */
  maxRows?: number;
  /** "Today", for the plausible date window (1970 to a year ahead); tests pass a fixed one. */
  now?: Date;
}

/** Another reading of the file's money that its content allows, for the mapping step. */
export interface MappingAlternative {
  mapping: ColumnMapping;
  /** For people: "money out in "Soll" and money in in "Haben"". */
  label: string;
}

/** How sure the importer is of the mapping it recognised, and why not when it is not. */
export interface InferenceInfo {
  /** 0..1. */
  confidence: number;
  /** Below the threshold: show the preview and let a person confirm the columns first. */
  needsMapping: boolean;
  /** One sentence per doubt. */
  reasons: string[];
  label: string;
  /** A balance column adds up with the amounts on (nearly) every row. */
  balanceVerified: boolean;
  alternatives: MappingAlternative[];
}

/** The file's own closing balance, to show beside the sum of what was imported. */
export interface BalanceSummary {
  column: string;
  closingCents: number;
  /** Every step of the running balance matched the amounts (so the closing figure is the file's). */
  verified: boolean;
}

export type EncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252" | "string";

/** What detection decided about the file; known once the header has been read. */
export interface CsvFileInfo {
  encoding: EncodingName;
  delimiter: string;
  headerLine: number | null;
  headers: string[];
  mapping: ColumnMapping;
  decimalSeparator: DecimalSeparator;
  /** Null when the caller's mapping decided every column. */
  inference: InferenceInfo | null;
  /** The file's shape (see shape.ts): a confirmed mapping is remembered under it. */
  fingerprint: string;
  /** The first records below the header as read (cells trimmed), for a preview. */
  sampleRecords: Array<{ line: number; cells: string[] }>;
}

export interface ParseCsvResult extends CsvFileInfo {
  rows: ParsedRow[];
  errors: RowError[];
  /** Recovered problems: the rows were imported, but a person may want to look (broken quotes, a guessed date order). */
  warnings: RowError[];
  skipped: SkippedLine[];
  /** How numeric dates were read; null when every date was unambiguous (ISO, month names). */
  dateOrder: DateOrder | null;
  signConvention: SignConvention;
  balance: BalanceSummary | null;
}
