import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { normalizePayee } from "../csv/normalize.js";
import { type Evaluation, evaluate, type LabeledTxn } from "./evaluate.js";
import { parseAmountCents, readCsv } from "./read-csv.js";

const USAGE = `usage: eval FILE --description COL --label COL --date COL [options]
  --payee COL                 a payee column, when the file has one
  --payee-from-description    fill the payee the way the CSV importer does (normalizePayee)
  --amount COL                the signed amount (default: a column named "amount", if any)
  --train-share 0.7           share of rows, oldest first, to train on
  --online                    learn each test row after predicting it (a bookkeeper confirming)`;

export function loadLabeled(
  file: string,
  cols: { description: string; label: string; date: string; payee?: string; amount?: string },
): LabeledTxn[] {
  const [header, ...rows] = readCsv(readFileSync(file, "utf8"));
  if (!header) throw new Error(`${file} is empty: expected a header row and labeled transactions`);
  const at = (name: string | undefined, role: string) => {
    if (name === undefined) return -1;
    const i = header.indexOf(name);
    if (i < 0)
      throw new Error(`no column "${name}" for --${role} in ${file}; the header has: ${header.join(", ")}`);
    return i;
  };
  const d = at(cols.description, "description");
  const l = at(cols.label, "label");
  const t = at(cols.date, "date");
  const p = at(cols.payee, "payee");
  // Without a named amount column, use one called "amount" when there is one: the model reads the sign and size.
  const a = cols.amount ? at(cols.amount, "amount") : header.indexOf("amount");
  return rows
    .filter((r) => (r[l] ?? "").trim() !== "")
    .map((r, i) => {
      const cents = a >= 0 ? parseAmountCents(r[a] ?? "") : Number.NaN;
      return {
        txn: {
          id: String(i),
          date: r[t] ?? "",
          description: r[d] ?? "",
          payee: p >= 0 ? r[p] || null : null,
          amountCents: Number.isNaN(cents) ? -1 : cents,
        },
        accountId: (r[l] ?? "").trim(),
      };
    });
}

export function formatEvaluation(e: Evaluation): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const lines = [
    `train ${e.train} rows (first ${Math.round(e.trainShare * 100)}% by date), test ${e.test} rows${e.online ? " (learned after each prediction)" : ""}, ${e.labels} labels`,
    "",
    `${"model".padEnd(26)}${"accuracy".padStart(9)}${"cover≥0.8".padStart(11)}${"acc≥0.8".padStart(9)}${"ECE".padStart(7)}${"train cpu".padStart(11)}`,
  ];
  for (const r of e.rows) {
    lines.push(
      `${r.name.padEnd(26)}${pct(r.accuracy).padStart(9)}${pct(r.coverage).padStart(11)}${pct(r.confidentAccuracy).padStart(9)}${pct(r.ece)}${`${r.trainMs.toFixed(0)} ms`.padStart(11)}`,
    );
  }
  return lines.join("\n");
}

export function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      description: { type: "string" },
      label: { type: "string" },
      date: { type: "string" },
      payee: { type: "string" },
      amount: { type: "string" },
      "train-share": { type: "string" },
      "payee-from-description": { type: "boolean" },
      online: { type: "boolean" },
    },
  });
  const file = positionals[0];
  if (!file || !values.description || !values.label || !values.date) {
    console.error(USAGE);
    return 2;
  }
  const data = loadLabeled(file, {
    description: values.description,
    label: values.label,
    date: values.date,
    payee: values.payee,
    amount: values.amount,
  });
  if (values["payee-from-description"]) {
    for (const { txn } of data) txn.payee = txn.payee ?? (normalizePayee(txn.description) || null);
  }
  const trainShare = Number(values["train-share"] ?? 0.7);
  if (!(trainShare > 0 && trainShare < 1)) {
    console.error(`--train-share must be between 0 and 1, got ${values["train-share"]}`);
    return 2;
  }
  console.log(formatEvaluation(evaluate(data, { trainShare, online: values.online ?? false })));
  return 0;
}
