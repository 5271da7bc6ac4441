import { HIGH_CONFIDENCE } from "../categorize/types.js";

export interface Outcome {
  predicted: string | null;
  confidence: number;
  actual: string;
}

export interface Scores {
  /** Share of all test rows predicted right (no prediction counts as wrong). */
  accuracy: number;
  /** Share of test rows with confidence ≥ 0.8 — those that skip review. */
  coverage: number;
  /** Accuracy among those rows: how often a transaction posted without review is right. */
  confidentAccuracy: number;
  /** Expected calibration error over 10 confidence bins: how far stated confidence is from accuracy. */
  ece: number;
}

export function score(outcomes: readonly Outcome[]): Scores {
  const n = outcomes.length || 1;
  let right = 0;
  let confident = 0;
  let confidentRight = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const o of outcomes) {
    const ok = o.predicted !== null && o.predicted === o.actual;
    if (ok) right++;
    if (o.predicted !== null && o.confidence >= HIGH_CONFIDENCE) {
      confident++;
      if (ok) confidentRight++;
    }
    const bin = bins[Math.min(9, Math.floor(o.confidence * 10))]!;
    bin.n++;
    bin.conf += o.predicted === null ? 0 : o.confidence;
    bin.right += ok ? 1 : 0;
  }
  const ece = bins.reduce((sum, b) => sum + (b.n ? Math.abs(b.conf - b.right) : 0), 0) / n;
  return {
    accuracy: right / n,
    coverage: confident / n,
    confidentAccuracy: confident ? confidentRight / confident : 0,
    ece,
  };
}
