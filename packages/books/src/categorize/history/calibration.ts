/**
 * Turns a raw model score into a probability of being right, measured rather than assumed.
 *
 * Every example the model learns is first predicted by the model as it stood (predict-then-learn, so
 * each outcome is a held-out one) and the outcome is tallied in the cell of its evidence group and raw
 * score bucket. Confidence is the cell's observed accuracy, shrunk toward a cautious prior (never above
 * 0.7) while the cell has few outcomes, and made non-decreasing in the raw score (pool-adjacent-violators) so a higher
 * score never means a lower confidence. Tallies fade (`decay` per outcome in the same cell) so the early,
 * weaker model does not drag the figures of the trained one down forever.
 */

/**
 * Bucket edges in log-odds (log10 p/(1−p)). Naive Bayes posteriors crowd against 1.0, so equal-width
 * buckets in p put most predictions in one bucket; log-odds keeps 0.9, 0.99 and 0.999 apart.
 */
const EDGES = [-1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 4, 6];
const BUCKETS = EDGES.length + 1;
/** A representative probability per bucket, for the prior. */
const MIDS = [0.05, 0.17, 0.37, 0.63, 0.83, 0.94, 0.98, 0.995, 0.9995, 0.99995, 0.999995];

export type CalibrationJSON = [string, number[], number[]][];

interface Cell {
  n: number[];
  correct: number[];
}

export class Calibration {
  private readonly groups = new Map<string, Cell>();
  private readonly smoothed = new Map<string, number[]>();

  constructor(
    private readonly decay = 0.98,
    /** Pseudo-outcomes of the prior: how many real ones it takes to outweigh it. */
    private readonly priorWeight = 2,
    /** The prior never exceeds this, so a cell must earn a high confidence with real outcomes. */
    private readonly priorCap = 0.7,
  ) {}

  record(group: string, raw: number, correct: boolean): void {
    let cell = this.groups.get(group);
    if (!cell) {
      cell = { n: new Array(BUCKETS).fill(0), correct: new Array(BUCKETS).fill(0) };
      this.groups.set(group, cell);
    }
    const b = bucket(raw);
    cell.n[b] = cell.n[b]! * this.decay + 1;
    cell.correct[b] = cell.correct[b]! * this.decay + (correct ? 1 : 0);
    this.smoothed.delete(group);
  }

  confidence(group: string, raw: number): number {
    let table = this.smoothed.get(group);
    if (!table) {
      table = this.smooth(this.groups.get(group));
      this.smoothed.set(group, table);
    }
    return table[bucket(raw)]!;
  }

  private smooth(cell: Cell | undefined): number[] {
    const values: number[] = [];
    const weights: number[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const mid = MIDS[b]!;
      const n = cell?.n[b] ?? 0;
      const c = cell?.correct[b] ?? 0;
      values.push((c + this.priorWeight * Math.min(mid, this.priorCap)) / (n + this.priorWeight));
      weights.push(n + this.priorWeight);
    }
    return isotonic(values, weights);
  }

  toJSON(): CalibrationJSON {
    return [...this.groups].map(([g, cell]) => [g, cell.n, cell.correct]);
  }

  static fromJSON(json: CalibrationJSON): Calibration {
    const c = new Calibration();
    for (const [g, n, correct] of json) c.groups.set(g, { n: [...n], correct: [...correct] });
    return c;
  }
}

function bucket(raw: number): number {
  const p = Math.min(Math.max(raw, 1e-9), 1 - 1e-9);
  const logOdds = Math.log10(p / (1 - p));
  let b = 0;
  while (b < EDGES.length && logOdds >= EDGES[b]!) b++;
  return b;
}

/** Pool-adjacent-violators: the closest non-decreasing sequence (weighted least squares). */
export function isotonic(values: readonly number[], weights: readonly number[]): number[] {
  const blocks: { v: number; w: number; len: number }[] = [];
  values.forEach((v, i) => {
    blocks.push({ v, w: weights[i]!, len: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.v > blocks[blocks.length - 1]!.v) {
      const b = blocks.pop()!;
      const a = blocks[blocks.length - 1]!;
      a.v = (a.v * a.w + b.v * b.w) / (a.w + b.w);
      a.w += b.w;
      a.len += b.len;
    }
  });
  return blocks.flatMap((b) => new Array<number>(b.len).fill(b.v));
}
