/** The streaming importer: bytes in, parsed rows and row errors out, in file order. */
import type { DecimalSeparator } from "../money.js";
import { inferDecimalSeparator } from "./amounts.js";
import { BatchReader } from "./batches.js";
import { detectMapping } from "./columns.js";
import { rejectBinaryText } from "./file-kind.js";
import { RowFinalizer } from "./finalize.js";
import { findTable } from "./header.js";
import { plausibleWindow } from "./profile.js";
import { type CsvRecord, type Line, RecordAssembler } from "./records.js";
import { fileBalance, inferenceInfo } from "./report.js";
import { RowReader } from "./rows.js";
import { RowSequencer } from "./sequence.js";
import { shapeFingerprint } from "./shape.js";
import { sniffDelimiter } from "./sniff.js";
import { type CsvSource, openText, splitLines, type TextSource } from "./source.js";
import type {
  BalanceSummary,
  CsvFileInfo,
  DateOrder,
  ParseCsvOptions,
  ParsedRow,
  RowError,
  SignConvention,
  SkippedLine,
} from "./types.js";

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_ROWS = 200_000;
const SNIFF_LINES = 200;
// Header search (50) plus the sample of rows whose content decides the columns.
const HEAD_RECORDS = 250;
// Rows shown in a preview: enough to recognise every column, few enough to read at a glance.
const SAMPLE_RECORDS = 12;

export interface CsvStream extends AsyncIterable<ParsedRow | RowError> {
  /** Known once the header has been read, before the first item. */
  readonly info: CsvFileInfo | null;
  /** Lines deliberately not imported (preamble, pending, summary lines), filled while iterating. */
  readonly skipped: SkippedLine[];
  /** Recovered problems worth showing (a broken quote, a guessed date order); rows were still imported. */
  readonly warnings: RowError[];
  /** Decided while iterating; final once iteration ends. */
  readonly dateOrder: DateOrder | null;
  readonly signConvention: SignConvention | null;
  /** The file's closing balance when it has a balance column; final once iteration ends. */
  readonly balance: BalanceSummary | null;
}

/**
 * Parses a bank export incrementally. Iterating throws `CsvFormatError` (and nothing else)
 * when the file as a whole cannot be imported; rows already produced should then be
 * discarded by the caller. Memory stays flat: one record at a time plus the rows held by
 * `RowFinalizer` while a file-wide decision is pending.
 */
export function parseBankCsvStream(source: CsvSource, options: ParseCsvOptions = {}): CsvStream {
  return new BankCsvStream(source, options);
}

class BankCsvStream implements CsvStream {
  info: CsvFileInfo | null = null;
  readonly skipped: SkippedLine[] = [];
  readonly warnings: RowError[] = [];
  balance: BalanceSummary | null = null;
  private finalizer: RowFinalizer | null = null;
  private started = false;

  constructor(
    private readonly source: CsvSource,
    private readonly options: ParseCsvOptions,
  ) {}

  get dateOrder(): DateOrder | null {
    return this.finalizer?.dateOrder ?? null;
  }

  get signConvention(): SignConvention | null {
    return this.finalizer?.signConvention ?? null;
  }

  [Symbol.asyncIterator](): AsyncIterator<ParsedRow | RowError> {
    if (this.started)
      throw new Error("A CsvStream can be iterated only once; call parseBankCsvStream again.");
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<ParsedRow | RowError> {
    const text = await openText(this.source, this.options.maxBytes ?? DEFAULT_MAX_BYTES);
    try {
      yield* this.parse(text);
    } finally {
      await text.close();
    }
  }

  private async *parse(text: TextSource): AsyncGenerator<ParsedRow | RowError> {
    const maxRows = this.options.maxRows ?? DEFAULT_MAX_ROWS;
    const lines = new BatchReader(splitLines(text.chunks));
    const sniffed: Line[] = [];
    while (sniffed.length < SNIFF_LINES) {
      const line = await lines.next();
      if (line === undefined) break;
      sniffed.push(line);
    }
    rejectBinaryText(sniffed.map((l) => l.text).join("\n"));
    // Excel writes a "sep=;" line first when it knows the reader's locale may differ.
    const excelSep = /^"?sep=(.)"?$/i.exec(sniffed[0]?.text.trim() ?? "");
    if (excelSep) {
      this.skipped.push({ line: sniffed.shift()!.line, reason: "Excel's delimiter declaration" });
    }
    const delimiter = this.options.delimiter ?? excelSep?.[1] ?? sniffDelimiter(sniffed.map((l) => l.text));
    const assembler = new RecordAssembler(delimiter);
    const records = new BatchReader(assembleLines(sniffed, lines.rest(), assembler));

    // The first records are read whole: the table is found and its columns read from them.
    const head: CsvRecord[] = [];
    while (head.length < HEAD_RECORDS) {
      const record = await records.next();
      if (record === undefined) break;
      head.push(record);
      // A header-like record tells multi-line quotes below it how many fields a record has.
      if (detectMapping(record.fields)) assembler.expectedFields = record.fields.length;
    }
    const window = plausibleWindow(this.options.now ?? new Date());
    const header = findTable(head, this.options.mapping, window, delimiter);
    const headers = header.isData ? [] : header.record.fields.map((h) => h.trim());
    assembler.expectedFields = header.record.fields.length;
    // Everything above the header is the bank's preamble (name, account number, balances).
    for (const record of header.preamble) {
      if (record.fields.some((f) => f.trim() !== "")) {
        this.skipped.push({ line: record.line, reason: "above the header (the bank's account details)" });
      }
    }

    const ahead: CsvRecord[] = header.isData ? [header.record, ...header.pending] : [...header.pending];
    if (header.inferred) {
      const m = header.mapping;
      const name = (c: number | null | undefined) =>
        c === null || c === undefined ? "none" : `column ${c + 1}`;
      const money =
        m.amount !== null
          ? `amount ${name(m.amount)}`
          : `money out ${name(m.debit)}, money in ${name(m.credit)}`;
      this.warnings.push({
        line: header.record.line,
        column: null,
        message: `Line ${header.record.line}: the file has no header row, so its columns were recognised by their contents (date ${name(m.date)}, ${money}, description ${name(m.description[0])}); pass a mapping if that is wrong.`,
      });
    }
    const { mapping } = header;
    const amountColumns = [mapping.amount, mapping.debit, mapping.credit].filter(
      (c): c is number => c !== null,
    );
    const decimal: DecimalSeparator =
      this.options.decimalSeparator ??
      inferDecimalSeparator(
        ahead.flatMap((r) => amountColumns.map((c) => r.fields[c] ?? "")),
        delimiter,
      );
    this.info = {
      encoding: text.encoding(),
      delimiter,
      headerLine: header.isData ? null : header.record.line,
      headers,
      mapping,
      decimalSeparator: decimal,
      inference: inferenceInfo(header, headers),
      fingerprint: shapeFingerprint(headers, delimiter, header.record.fields.length),
      sampleRecords: ahead
        .filter((r) => r.fields.some((f) => f.trim() !== ""))
        .slice(0, SAMPLE_RECORDS)
        .map((r) => ({ line: r.line, cells: r.fields.map((f) => f.trim()) })),
    };
    const reader = new RowReader(mapping, headers, decimal);
    const finalizer = new RowFinalizer({
      dateColumn: reader.columnName(mapping.date),
      preferDayFirst: decimal === "," || !/\$/.test(ahead.map((r) => r.raw).join("")),
      window,
      ...(this.options.dateOrder ? { dateOrder: this.options.dateOrder } : {}),
      ...(this.options.signConvention
        ? { signConvention: this.options.signConvention }
        : mapping.amount === null
          ? { signConvention: "signed" as const }
          : {}),
    });
    this.finalizer = finalizer;

    const sequencer = new RowSequencer(reader, finalizer, maxRows, this.skipped, this.warnings);
    const batches = (async function* () {
      yield ahead;
      yield* records.rest();
    })();
    // Batches keep the per-record work synchronous (see batches.ts).
    for await (const batch of batches) {
      for (const record of batch) {
        const out = sequencer.push(record);
        if (out.length > 0) yield* out;
      }
    }
    yield* sequencer.end();
    this.warnings.push(...finalizer.warnings);
    this.balance = fileBalance(header, reader, sequencer, finalizer.dateOrder ?? "DMY");
  }
}

async function* assembleLines(
  sniffed: Line[],
  rest: AsyncIterable<Line[]>,
  assembler: RecordAssembler,
): AsyncGenerator<CsvRecord[]> {
  // Line by line while the header is searched: a candidate header sets `expectedFields`.
  for (const line of sniffed) yield assembler.push(line);
  for await (const lines of rest) {
    const records: CsvRecord[] = [];
    for (const line of lines) for (const record of assembler.push(line)) records.push(record);
    yield records;
  }
  yield assembler.end();
}
