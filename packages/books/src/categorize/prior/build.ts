import { parseLabeled } from "../../eval/load.js";
import { timeOrdered } from "../../eval/order.js";
import type { HistoryExample } from "../history/model.js";
import { defaultChartCode } from "./labels.js";
import { type PriorArtefact, trainPrior } from "./model.js";

/** The share of the labeled set, oldest first, the prior learns; the evaluation tests on the rest. */
export const PRIOR_TRAIN_SHARE = 0.7;

/**
 * Builds the shipped prior from the labeled set's text (packages/books/data/labeled-transactions.csv):
 * its time-ordered first 70 % with categories mapped to the default chart, after the facts. Rows whose
 * category has no default-chart account are left out.
 */
export function buildPriorArtefact(labeledCsv: string, labeledFile: string): PriorArtefact {
  const data = parseLabeled(
    labeledCsv,
    { description: "description", label: "category", date: "date" },
    labeledFile,
  );
  const ordered = timeOrdered(data);
  const train = ordered.slice(0, Math.floor(ordered.length * PRIOR_TRAIN_SHARE));
  const labeled: HistoryExample[] = [];
  for (const { txn, accountId } of train) {
    const code = defaultChartCode(accountId);
    if (code) labeled.push({ txn, accountId: code });
  }
  return trainPrior({ labeled, labeledFile });
}
