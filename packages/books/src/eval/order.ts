import type { LabeledTxn } from "./evaluate.js";

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Oldest first, ties in file order. Dates must be ISO (loadLabeled makes them so): text order is
 * date order only then, and a `3/14/2024` sorted as text would put the future in the training split.
 */
export function timeOrdered(data: readonly LabeledTxn[]): LabeledTxn[] {
  const bad = data.find((d) => !ISO.test(d.txn.date));
  if (bad)
    throw new Error(
      `transaction ${bad.txn.id} has the date "${bad.txn.date}", not YYYY-MM-DD; read the file with loadLabeled`,
    );
  return data
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.txn.date < b.d.txn.date ? -1 : a.d.txn.date > b.d.txn.date ? 1 : a.i - b.i))
    .map((x) => x.d);
}
