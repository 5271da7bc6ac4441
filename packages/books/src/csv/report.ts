/** What a parse reports about the file beyond its rows: its closing balance and how sure the column reading is. */
import { closingBalance, MIN_BALANCE_STEPS } from "./balance.js";
import { toIsoDate } from "./dates.js";
import type { FoundTable } from "./header.js";
import type { RowReader } from "./rows.js";
import type { BalancePoint, RowSequencer } from "./sequence.js";
import { ASK_BELOW } from "./table.js";
import type { BalanceSummary, DateOrder, InferenceInfo } from "./types.js";

/** The balance after the newest row: by the verified layout, else by the rows' dates. */
export function fileBalance(
  table: FoundTable,
  reader: RowReader,
  sequencer: RowSequencer,
  order: DateOrder,
): BalanceSummary | null {
  const column = table.mapping.balance;
  const read = (p: BalancePoint | null) => {
    const balance = p ? reader.balanceCents(p.balanceText) : null;
    return p && balance !== null ? { amount: p.amount, balance, row: p.row } : null;
  };
  const first = read(sequencer.firstBalance);
  const last = read(sequencer.lastBalance);
  if (column === null || !first || !last) return null;
  const check = table.inference?.reading.check ?? null;
  const verified = table.inference?.reading.verified ?? false;
  if (verified && check) {
    return {
      column: reader.columnName(column),
      closingCents: closingBalance(check.layout, first, last),
      verified,
    };
  }
  const iso = (p: { row: BalancePoint["row"] }) => {
    const date = toIsoDate(p.row.date, order);
    return typeof date === "string" ? date : "";
  };
  const newest = iso(first) > iso(last) ? first : last;
  return { column: reader.columnName(column), closingCents: newest.balance, verified: false };
}

export function inferenceInfo(table: FoundTable, headers: string[]): InferenceInfo | null {
  const inference = table.inference;
  if (!inference) return null;
  const name = (c: number) => (headers[c]?.trim() ? `"${headers[c]!.trim()}"` : `column ${c + 1}`);
  const reasons = [...inference.reasons];
  const check = inference.reading.check;
  if (
    inference.mapping.balance !== null &&
    !inference.reading.verified &&
    check &&
    check.steps >= MIN_BALANCE_STEPS
  ) {
    const { matching, steps } = check;
    reasons.push(
      `The balance in ${name(inference.mapping.balance)} adds up on ${matching} of ${steps} rows only.`,
    );
  }
  return {
    confidence: inference.confidence,
    needsMapping: inference.confidence < ASK_BELOW,
    reasons,
    label: inference.reading.label,
    balanceVerified: inference.reading.verified,
    alternatives: inference.alternatives.map((r) => ({
      mapping: { ...table.mapping, amount: r.amount, debit: r.debit, credit: r.credit, marker: r.marker },
      label: r.label,
    })),
  };
}
