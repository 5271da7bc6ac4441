import { parseArgs } from "node:util";
import { loadBuiltInPrior } from "../categorize/prior/model.js";
import { normalizePayee } from "../csv/normalize.js";
import type { DateOrder } from "../csv/types.js";
import { type ColdStartEvaluation, evaluateColdStart } from "./cold-start.js";
import { type Evaluation, evaluate } from "./evaluate.js";
import { loadLabeled } from "./load.js";

export { loadLabeled } from "./load.js";

const USAGE = `usage: eval FILE --description COL --label COL --date COL [options]
  --payee COL                 a payee column, when the file has one
  --payee-from-description    fill the payee the way the CSV importer does (normalizePayee)
  --amount COL                the signed amount (default: a column named "amount", any case, if any)
  --amount-sign COL           a column with the direction (debit/credit, withdrawal/deposit, DR/CR, -/+)
                              for files whose amounts are all positive
  --date-order MDY|DMY        for a/b/yyyy dates that no row tells apart (default: from the file, else MDY)
  --train-share 0.7           share of rows, oldest first, to train on
  --online                    learn each test row after predicting it (a bookkeeper confirming)
  --cold-start                a new company's first import: the built-in prior alone, no history,
                              on the newest rows (labels compared as default-chart accounts)
Column names match case-insensitively; a date that does not parse stops the run, naming its line.`;

export function formatEvaluation(e: Evaluation | ColdStartEvaluation): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const cold = "unmapped" in e;
  const lines = [
    cold
      ? `cold start: the prior alone (trained on ${e.train} labeled rows, none of them tested), test ${e.test} rows = the newest ${Math.round((1 - e.trainShare) * 100)}% by date, ${e.labels} labels`
      : `train ${e.train} rows (first ${Math.round(e.trainShare * 100)}% by date), test ${e.test} rows${e.online ? " (learned after each prediction)" : ""}, ${e.labels} labels`,
    "",
    `${"model".padEnd(26)}${"accuracy".padStart(9)}${"cover≥0.8".padStart(11)}${"acc≥0.8".padStart(9)}${"ECE".padStart(7)}${cold ? "" : "train cpu".padStart(11)}`,
  ];
  for (const r of e.rows) {
    lines.push(
      `${r.name.padEnd(26)}${pct(r.accuracy).padStart(9)}${pct(r.coverage).padStart(11)}${pct(r.confidentAccuracy).padStart(9)}${pct(r.ece)}${cold ? "" : `${r.trainMs.toFixed(0)} ms`.padStart(11)}`,
    );
  }
  if (cold && e.unmapped.length > 0) {
    lines.push(
      "",
      `labels with no default-chart account (counted as wrong): ${e.unmapped.map((u) => `${u.label} (${u.rows})`).join(", ")}`,
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
      "amount-sign": { type: "string" },
      "date-order": { type: "string" },
      "train-share": { type: "string" },
      "payee-from-description": { type: "boolean" },
      online: { type: "boolean" },
      "cold-start": { type: "boolean" },
    },
  });
  const file = positionals[0];
  if (!file || !values.description || !values.label || !values.date) {
    console.error(USAGE);
    return 2;
  }
  const dateOrder = values["date-order"]?.toUpperCase();
  if (dateOrder !== undefined && dateOrder !== "MDY" && dateOrder !== "DMY") {
    console.error(`--date-order must be MDY or DMY, got ${values["date-order"]}`);
    return 2;
  }
  const data = loadLabeled(file, {
    description: values.description,
    label: values.label,
    date: values.date,
    payee: values.payee,
    amount: values.amount,
    amountSign: values["amount-sign"],
    dateOrder: dateOrder as DateOrder | undefined,
  });
  if (values["payee-from-description"]) {
    for (const { txn } of data) txn.payee = txn.payee ?? (normalizePayee(txn.description) || null);
  }
  const trainShare = Number(values["train-share"] ?? 0.7);
  if (!(trainShare > 0 && trainShare < 1)) {
    console.error(`--train-share must be between 0 and 1, got ${values["train-share"]}`);
    return 2;
  }
  if (values["cold-start"]) {
    if (values.online) {
      console.error("--cold-start and --online do not go together: a cold start learns nothing");
      return 2;
    }
    console.log(formatEvaluation(evaluateColdStart(data, { trainShare, prior: loadBuiltInPrior() })));
    return 0;
  }
  console.log(formatEvaluation(evaluate(data, { trainShare, online: values.online ?? false })));
  return 0;
}
