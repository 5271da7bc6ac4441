/** Splitting lines into fields, with recovery from quotes that never close. */

export interface CsvRecord {
  /** First physical line of the record. */
  line: number;
  fields: string[];
  raw: string;
  /** The record held an unbalanced quote and was read as if the quote were text. */
  brokenQuote: boolean;
}

export interface Line {
  line: number;
  text: string;
}

/**
 * RFC 4180 fields plus the leniency real exports need: a quote in the middle of a field is
 * text, text after a closing quote is kept, spaces before an opening quote are ignored.
 * `open` says the text ended inside a quoted field.
 */
export function splitFields(text: string, delimiter: string): { fields: string[]; open: boolean } {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    let field = "";
    let j = i;
    while (j < n && text[j] === " ") j++;
    if (j < n && text[j] === '"') {
      j++;
      let closed = false;
      while (j < n) {
        const quote = text.indexOf('"', j);
        if (quote < 0) {
          field += text.slice(j);
          j = n;
          break;
        }
        field += text.slice(j, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          j = quote + 2;
        } else {
          j = quote + 1;
          closed = true;
          break;
        }
      }
      if (!closed) {
        fields.push(field);
        return { fields, open: true };
      }
      const end = text.indexOf(delimiter, j);
      field += end < 0 ? text.slice(j) : text.slice(j, end);
      fields.push(field);
      if (end < 0) return { fields, open: false };
      i = end + delimiter.length;
    } else {
      const end = text.indexOf(delimiter, i);
      fields.push(end < 0 ? text.slice(i) : text.slice(i, end));
      if (end < 0) return { fields, open: false };
      i = end + delimiter.length;
    }
  }
}

/** Fields of a line read without quote rules: the fallback for a broken quote. */
function splitLiteral(text: string, delimiter: string): string[] {
  return text.split(delimiter).map((field) => {
    const t = field.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"')
      ? t.slice(1, -1)
      : field.replace(/^\s*"/, "");
  });
}

const NONE: CsvRecord[] = [];

// A description may legitimately span a few lines; a quote open longer than this is broken.
const MAX_LINES_PER_RECORD = 8;

/** Assembles lines into records; a quoted field may span lines, within reason. */
export class RecordAssembler {
  /** Set once the header is known: a multi-line record with more fields than this is broken. */
  expectedFields: number | null = null;
  private pending: Line[] = [];

  constructor(private readonly delimiter: string) {}

  push(line: Line): CsvRecord[] {
    if (this.pending.length === 0) {
      if (line.text === "") return NONE; // blank lines carry nothing outside a quoted field
      const { fields, open } = splitFields(line.text, this.delimiter);
      if (!open) return [{ line: line.line, fields, raw: line.text, brokenQuote: false }];
      this.pending = [line];
      return [];
    }
    this.pending.push(line);
    const raw = this.pending.map((l) => l.text).join("\n");
    const { fields, open } = splitFields(raw, this.delimiter);
    if (!open) {
      if (this.expectedFields !== null && fields.length > this.expectedFields) return this.recover();
      const first = this.pending[0]!.line;
      this.pending = [];
      return [{ line: first, fields, raw, brokenQuote: false }];
    }
    return this.pending.length > MAX_LINES_PER_RECORD ? this.recover() : [];
  }

  end(): CsvRecord[] {
    return this.pending.length > 0 ? this.recover() : [];
  }

  /** Reads the first pending line literally and re-reads the lines after it. */
  private recover(): CsvRecord[] {
    const [first, ...rest] = this.pending;
    this.pending = [];
    const out: CsvRecord[] = [
      {
        line: first!.line,
        fields: splitLiteral(first!.text, this.delimiter),
        raw: first!.text,
        brokenQuote: true,
      },
    ];
    for (const line of rest) out.push(...this.push(line));
    return out;
  }
}
