/**
 * Multinomial naive Bayes over string (or integer-coded) features, updatable in both directions (learn and unlearn) so a
 * manual re-categorize can move one example between classes without retraining.
 *
 * Built for speed, because the history model predicts every example before learning it (calibration):
 * classes are small integers, each feature keeps a sparse list of (class, count, log-weight), and scoring
 * only walks the classes a feature was seen with — log(count + α) − log α is zero for the rest.
 * Measured: 10,000 examples learned with a prediction each in well under 100 ms.
 */

export interface NaiveBayesJSON {
  alpha: number;
  classes: [string, number, number][];
  features: [string | number, [number, number][]][];
}

export interface ClassScores {
  labels: readonly string[];
  /** Posterior probability per class index (same order as `labels`); empty before any training. */
  p: Float64Array;
  /** Index of the most probable class, -1 before any training. */
  top: number;
  /** Features of the input that were seen in training. */
  known: number;
}

interface FeatureStats {
  cls: number[];
  n: number[];
  /** log(n + α) − log α, kept in step with n so scoring does no logarithms. */
  w: number[];
}

export class NaiveBayes {
  private readonly labels: string[] = [];
  private readonly labelIndex = new Map<string, number>();
  private readonly docs: number[] = [];
  private readonly tokens: number[] = [];
  private readonly stats = new Map<string | number, FeatureStats>();
  private totalDocs = 0;
  private readonly logAlpha: number;

  /** log(n + α) − log α for small counts: learning is dominated by these logarithms otherwise. */
  private readonly logTable: Float64Array;

  constructor(private readonly alpha = 1) {
    this.logAlpha = Math.log(alpha);
    this.logTable = new Float64Array(1024);
    for (let n = 0; n < this.logTable.length; n++) this.logTable[n] = Math.log(n + alpha) - this.logAlpha;
  }

  get size(): number {
    return this.totalDocs;
  }

  private classOf(label: string): number {
    let c = this.labelIndex.get(label);
    if (c === undefined) {
      c = this.labels.length;
      this.labels.push(label);
      this.labelIndex.set(label, c);
      this.docs.push(0);
      this.tokens.push(0);
    }
    return c;
  }

  add(features: readonly (string | number)[], label: string, sign: 1 | -1 = 1): void {
    const c = this.classOf(label);
    if (sign < 0 && this.docs[c]! <= 0) return;
    this.docs[c]! += sign;
    this.totalDocs += sign;
    this.tokens[c] = Math.max(0, this.tokens[c]! + sign * features.length);
    for (const f of features) {
      let s = this.stats.get(f);
      if (!s) {
        if (sign < 0) continue;
        s = { cls: [], n: [], w: [] };
        this.stats.set(f, s);
      }
      let i = s.cls.indexOf(c);
      if (i < 0) {
        if (sign < 0) continue;
        i = s.cls.push(c) - 1;
        s.n.push(0);
        s.w.push(0);
      }
      const n = Math.max(0, s.n[i]! + sign);
      s.n[i] = n;
      s.w[i] = n < this.logTable.length ? this.logTable[n]! : Math.log(n + this.alpha) - this.logAlpha;
    }
  }

  scores(features: readonly (string | number)[]): ClassScores {
    const k = this.labels.length;
    const p = new Float64Array(k);
    if (this.totalDocs <= 0) return { labels: this.labels, p, top: -1, known: 0 };
    let known = 0;
    for (const f of features) {
      const s = this.stats.get(f);
      if (!s) continue;
      known++;
      for (let i = 0; i < s.cls.length; i++) p[s.cls[i]!]! += s.w[i]!;
    }
    const vocab = this.stats.size;
    let top = -1;
    for (let c = 0; c < k; c++) {
      if (this.docs[c]! <= 0) {
        p[c] = Number.NEGATIVE_INFINITY;
        continue;
      }
      const denom = Math.log(this.tokens[c]! + this.alpha * vocab);
      p[c] = p[c]! + Math.log(this.docs[c]! / this.totalDocs) + known * (this.logAlpha - denom);
      if (top < 0 || p[c]! > p[top]!) top = c;
    }
    const max = p[top]!;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      p[c] = Math.exp(p[c]! - max);
      sum += p[c]!;
    }
    for (let c = 0; c < k; c++) p[c] = p[c]! / sum;
    return { labels: this.labels, p, top, known };
  }

  toJSON(): NaiveBayesJSON {
    return {
      alpha: this.alpha,
      classes: this.labels.map((label, c) => [label, this.docs[c]!, this.tokens[c]!]),
      features: [...this.stats].map(([f, s]) => [f, s.cls.map((c, i) => [c, s.n[i]!] as [number, number])]),
    };
  }

  static fromJSON(json: NaiveBayesJSON): NaiveBayes {
    const nb = new NaiveBayes(json.alpha);
    for (const [label, docs, tokens] of json.classes) {
      const c = nb.classOf(label);
      nb.docs[c] = docs;
      nb.tokens[c] = tokens;
      nb.totalDocs += docs;
    }
    for (const [f, pairs] of json.features) {
      nb.stats.set(f, {
        cls: pairs.map(([c]) => c),
        n: pairs.map(([, n]) => n),
        w: pairs.map(([, n]) => Math.log(n + nb.alpha) - nb.logAlpha),
      });
    }
    return nb;
  }
}
