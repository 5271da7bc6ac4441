/**
 * Mapping a file that has no header row (Wells Fargo, some credit unions) from what its
 * columns contain: the column that is nearly always a date, the first column that is nearly
 * always an amount, and the wordiest column as the description.
 */
import { parseMoney } from "../money.js";
import { readDate } from "./dates.js";
import type { CsvRecord } from "./records.js";
import type { ColumnMapping } from "./types.js";

// 80 %: a stray summary or pending line must not hide a column that is otherwise all dates.
const SHARE = 0.8;

export function inferMappingFromContent(
  records: CsvRecord[],
): { mapping: ColumnMapping; firstData: number } | null {
  const widths = new Map<number, number>();
  for (const r of records)
    if (r.fields.length >= 2) widths.set(r.fields.length, (widths.get(r.fields.length) ?? 0) + 1);
  const modal = [...widths].sort((a, b) => b[1] - a[1])[0];
  if (!modal) return null;
  const [width] = modal;
  const rows = records.filter((r) => r.fields.length === width);
  const column = (c: number) => rows.map((r) => (r.fields[c] ?? "").trim());
  const share = (c: number, test: (cell: string) => boolean) => column(c).filter(test).length / rows.length;
  const isDate = (cell: string) => readDate(cell) !== null;
  const isMoney = (cell: string) => /\d/.test(cell) && !isDate(cell) && parseMoney(cell).ok;

  const indexes = Array.from({ length: width }, (_, c) => c);
  const date = indexes.find((c) => share(c, isDate) >= SHARE);
  if (date === undefined) return null;
  const amount = indexes.find((c) => c !== date && share(c, isMoney) >= SHARE);
  if (amount === undefined) return null;
  const wordiness = (c: number) => column(c).filter((cell) => /[a-z]{2,}/i.test(cell)).length;
  const description = indexes
    .filter((c) => c !== date && c !== amount && wordiness(c) > 0)
    .sort((a, b) => wordiness(b) - wordiness(a) || a - b)[0];
  const firstData = records.findIndex(
    (r) => r.fields.length === width && isDate((r.fields[date] ?? "").trim()),
  );
  return {
    mapping: {
      date,
      description: description === undefined ? [] : [description],
      payee: null,
      amount,
      debit: null,
      credit: null,
      category: null,
      marker: null,
    },
    firstData,
  };
}
