import { createHistoryModel } from "../categorize/history/model.js";
import type { TxnForCategorize } from "../categorize/types.js";
import { naiveBayesBaseline, type Predictor, payeeLookupBaseline } from "./baselines.js";
import { type Outcome, type Scores, score } from "./metrics.js";
import { timeOrdered } from "./order.js";

export interface LabeledTxn {
  txn: TxnForCategorize;
  accountId: string;
}

export interface EvaluationRow extends Scores {
  name: string;
  /** CPU milliseconds to train on the training split. */
  trainMs: number;
}

export interface Evaluation {
  train: number;
  test: number;
  trainShare: number;
  online: boolean;
  labels: number;
  rows: EvaluationRow[];
}

export function historyPredictor(): Predictor {
  const model = createHistoryModel();
  return {
    name: "history model (ours)",
    train: (examples) => model.train(examples),
    predict: (txn) => model.predict(txn),
  };
}

/**
 * Replays labeled transactions in date order: every predictor learns the first `trainShare` and is scored
 * on the rest, so no predictor ever sees the future (renamed merchants and new payees stay unseen).
 */
export interface EvaluateOptions {
  /** Share of the rows, oldest first, to train on. Default 0.7. */
  trainShare?: number;
  /**
   * Learn each test row right after predicting it, as when a bookkeeper confirms or corrects every
   * categorization. Off by default: the headline figures never learn from the test rows.
   */
  online?: boolean;
}

export function evaluate(data: readonly LabeledTxn[], options: EvaluateOptions = {}): Evaluation {
  const trainShare = options.trainShare ?? 0.7;
  const ordered = timeOrdered(data);
  const cut = Math.floor(ordered.length * trainShare);
  const train = ordered.slice(0, cut);
  const test = ordered.slice(cut);
  const rows: EvaluationRow[] = [];
  for (const create of [historyPredictor, payeeLookupBaseline, naiveBayesBaseline]) {
    // Timed on a second instance: the first pays for JIT compilation, which a long-running worker does once.
    create().train(train);
    const predictor = create();
    // CPU time, not wall time: on a shared machine the wall clock mostly measures the neighbours.
    const started = process.cpuUsage();
    predictor.train(train);
    const used = process.cpuUsage(started);
    const trainMs = (used.user + used.system) / 1000;
    const outcomes: Outcome[] = test.map((example) => {
      const p = predictor.predict(example.txn);
      if (options.online) predictor.train([example]);
      return { predicted: p?.accountId ?? null, confidence: p?.confidence ?? 0, actual: example.accountId };
    });
    rows.push({ name: predictor.name, trainMs, ...score(outcomes) });
  }
  return {
    train: train.length,
    test: test.length,
    trainShare,
    online: options.online ?? false,
    labels: new Set(data.map((d) => d.accountId)).size,
    rows,
  };
}
