import { defaultChartCode } from "../categorize/prior/labels.js";
import {
  factExamples,
  type PriorModel,
  priorFromArtefact,
  rowFingerprint,
  trainPrior,
} from "../categorize/prior/model.js";
import type { Evaluation, EvaluationRow, LabeledTxn } from "./evaluate.js";
import { type Outcome, score } from "./metrics.js";
import { timeOrdered } from "./order.js";

export interface ColdStartOptions {
  /** Share of the rows, oldest first, that are NOT tested (the prior may have learned them). Default 0.7. */
  trainShare?: number;
  /** The prior under test: the shipped one unless given. */
  prior: PriorModel;
}

export interface ColdStartEvaluation extends Evaluation {
  /** Test rows whose label has no default-chart account: they count as wrong. */
  unmapped: { label: string; rows: number }[];
}

/**
 * A new company's first import: the prior alone, no rules, no history, scored on the newest
 * (1 − trainShare) of the rows. Refuses to run when the prior learned any of those rows, so the figures
 * are held out by construction, not by hope. Labels are compared as default-chart codes.
 */
export function evaluateColdStart(
  data: readonly LabeledTxn[],
  options: ColdStartOptions,
): ColdStartEvaluation {
  const trainShare = options.trainShare ?? 0.7;
  const ordered = timeOrdered(data);
  const test = ordered.slice(Math.floor(ordered.length * trainShare));
  const learned = new Set(options.prior.trainedOn.fingerprints);
  const seen = test.filter((e) => learned.has(rowFingerprint(e.txn)));
  if (seen.length > 0)
    throw new Error(
      `the prior was trained on ${seen.length} of the ${test.length} test rows (the first is dated ${seen[0]!.txn.date}: "${seen[0]!.txn.description}"); test on newer rows with a larger --train-share, or on a file it never saw`,
    );
  const unmapped = new Map<string, number>();
  const actual = test.map((e) => {
    const code = defaultChartCode(e.accountId);
    if (!code) unmapped.set(e.accountId, (unmapped.get(e.accountId) ?? 0) + 1);
    return code ?? `unmapped:${e.accountId}`;
  });
  const factsOnly = priorFromArtefact(
    trainPrior({ labeled: [], labeledFile: "(none: merchant-category facts only)" }),
  );
  const rows: EvaluationRow[] = [];
  for (const [name, prior] of [
    ["built-in prior (shipped)", options.prior],
    ["prior, facts only", factsOnly],
  ] as const) {
    const outcomes: Outcome[] = test.map((e, i) => {
      const p = prior.predict(e.txn);
      return { predicted: p?.code ?? null, confidence: p?.confidence ?? 0, actual: actual[i]! };
    });
    rows.push({ name, trainMs: 0, ...score(outcomes) });
  }
  return {
    train: options.prior.trainedOn.labeledRows,
    test: test.length,
    trainShare,
    online: false,
    labels: new Set(actual).size,
    rows,
    unmapped: [...unmapped].map(([label, n]) => ({ label, rows: n })).sort((a, b) => b.rows - a.rows),
  };
}

/** How many fact examples a facts-only prior learns; for the report. */
export const FACT_EXAMPLES = factExamples().length;
