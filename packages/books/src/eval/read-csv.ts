/**
 * A minimal RFC 4180 reader for the evaluation command: labeled sets are clean files we or the user
 * produced, so quoting is all it needs (bank-export quirks are the CSV importer's job).
 */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((f) => f !== "")) rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== "")) rows.push(row);
  return rows;
}

/** Parses "-1,234.56", "$12.00", "(45.10)" into cents; NaN when it is not a number. */
export function parseAmountCents(text: string): number {
  const t = text.trim();
  const negative = t.startsWith("-") || (t.startsWith("(") && t.endsWith(")"));
  const n = Number(t.replace(/[^0-9.]/g, ""));
  if (!/\d/.test(t) || Number.isNaN(n)) return Number.NaN;
  return Math.round(n * 100) * (negative ? -1 : 1);
}
