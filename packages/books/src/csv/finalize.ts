/**
 * Holds draft rows until the file-wide decisions are made — the day/month order of
 * numeric dates and whether unsigned amounts are money out — then emits them in file
 * order. A decision is made as soon as one row settles it (a day above 12, a negative
 * amount, a CR marker), so typical files stream with almost nothing held; a file where
 * nothing settles it is held to the end, which the size limit bounds.
 */
import { quoted, toCents } from "../money.js";
import { type DateToken, orderEvidence, toIsoDate } from "./dates.js";
import { normalizePayee } from "./normalize.js";
import type { DraftRow } from "./rows.js";
import type { DateOrder, ParsedRow, RowError, SignConvention } from "./types.js";

type Item = { kind: "row"; row: DraftRow } | { kind: "error"; error: RowError };

export interface FinalizerOptions {
  dateOrder?: DateOrder;
  signConvention?: SignConvention;
  dateColumn: string;
  /** Used only when no date in the file settles the order. */
  preferDayFirst: boolean;
  /** Booking dates outside it are row errors (a misread column or order, or a typo like 2202). */
  window?: { from: string; to: string };
}

export class RowFinalizer {
  dateOrder: DateOrder | null;
  signConvention: SignConvention | null;
  readonly warnings: RowError[] = [];
  private queue: Item[] = [];
  /** Index of the first unsent item; `shift()` per item would make a long hold quadratic. */
  private head = 0;

  constructor(private readonly options: FinalizerOptions) {
    this.dateOrder = options.dateOrder ?? null;
    this.signConvention = options.signConvention ?? null;
  }

  push(item: Item): Array<ParsedRow | RowError> {
    if (item.kind === "row") this.observe(item.row);
    this.queue.push(item);
    return this.flush(false);
  }

  end(): Array<ParsedRow | RowError> {
    this.dateOrder ??= this.fallbackOrder();
    if (this.signConvention === null) this.signConvention = "signed";
    return this.flush(true);
  }

  private observe(row: DraftRow): void {
    if (this.dateOrder === null) {
      // Nobody writes month.day.year, so dotted dates settle the order as well as a day above 12.
      this.dateOrder = row.date.kind === "numeric" && row.date.dotted ? "DMY" : orderEvidence(row.date);
    }
    if (this.signConvention === null && row.signed) {
      if (row.cents < 0) this.signConvention = "signed";
      else if (row.positiveMark) this.signConvention = "unsigned-is-out";
    }
  }

  private needsWait(row: DraftRow): boolean {
    return (
      (this.dateOrder === null && row.date.kind === "numeric") ||
      (this.signConvention === null && !row.signed)
    );
  }

  private flush(all: boolean): Array<ParsedRow | RowError> {
    const out: Array<ParsedRow | RowError> = [];
    while (this.head < this.queue.length) {
      const item = this.queue[this.head]!;
      if (!all && item.kind === "row" && this.needsWait(item.row)) break;
      this.head++;
      out.push(item.kind === "error" ? item.error : this.finish(item.row));
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return out;
  }

  private finish(row: DraftRow): ParsedRow | RowError {
    const order = this.dateOrder ?? "DMY";
    const date = toIsoDate(row.date, order);
    if (typeof date !== "string") {
      const column = this.options.dateColumn;
      return {
        line: row.line,
        column,
        message: `Line ${row.line}, column "${column}": ${quoted(row.dateText)} ${date.message}; fix the date, or set dateOrder if the file's dates are in another order.`,
      };
    }
    const window = this.options.window;
    if (window && (date < window.from || date > window.to)) {
      const column = this.options.dateColumn;
      return {
        line: row.line,
        column,
        message: `Line ${row.line}, column "${column}": ${quoted(row.dateText)} is outside the plausible range ${window.from} to ${window.to}; check the date, or whether this is the booking-date column.`,
      };
    }
    const convention = this.signConvention;
    const flip =
      (convention === "unsigned-is-out" && !row.signed) || (convention === "inverted" && !row.marked);
    const cents = flip ? -row.cents : row.cents;
    const parsed: ParsedRow = {
      line: row.line,
      date,
      description: row.description,
      payee: row.payee || normalizePayee(row.description),
      amountCents: toCents(cents === 0 ? 0 : cents),
      raw: row.raw,
    };
    if (row.category !== undefined) parsed.category = row.category;
    return parsed;
  }

  /** No date settled the order: take the order under which the dates run monotonic. */
  private fallbackOrder(): DateOrder | null {
    const tokens = this.queue
      .slice(this.head)
      .flatMap((i) => (i.kind === "row" && i.row.date.kind === "numeric" ? [i.row] : []));
    if (tokens.length === 0) return null; // every date was ISO or had a month name
    const dates = tokens.map((r) => r.date);
    const dmy = disorder(dates, "DMY");
    const mdy = disorder(dates, "MDY");
    const dayFirst = dmy === mdy ? this.options.preferDayFirst : dmy < mdy;
    const order: DateOrder = dayFirst ? "DMY" : "MDY";
    const first = tokens[0]!;
    const reading = order === "DMY" ? "day/month/year" : "month/day/year";
    this.warnings.push({
      line: first.line,
      column: this.options.dateColumn,
      message: `Line ${first.line}, column "${this.options.dateColumn}": no date in the file has a day above 12, so dates like ${quoted(first.dateText)} were read as ${reading}; set dateOrder to "${order === "DMY" ? "MDY" : "DMY"}" if that is wrong.`,
    });
    return order;
  }
}

/** How many neighbouring dates go backwards and forwards at once: exports are sorted. */
function disorder(tokens: DateToken[], order: DateOrder): number {
  const keys = tokens.map((t) => {
    const iso = toIsoDate(t, order);
    return typeof iso === "string" ? iso : null;
  });
  let up = 0;
  let down = 0;
  let invalid = 0;
  for (let i = 0; i < keys.length; i++) {
    const a = keys[i - 1];
    const b = keys[i];
    if (b === null) invalid++;
    if (i === 0 || a === null || a === undefined || b === null || b === undefined) continue;
    if (b > a) up++;
    else if (b < a) down++;
  }
  return invalid * 1000 + Math.min(up, down);
}
