/**
 * Payee memory: for each payee key, how often each account was chosen, with older choices fading.
 * The fade (each new observation of a payee multiplies its earlier weights by `decay`) is why a payee
 * whose bookkeeping changed — the same shop now booked as office supplies — follows the change after
 * a few examples instead of being outvoted by years of history.
 */

export type PayeeMemoryJSON = [string, [string, number][]][];

export interface PayeeRecall {
  /** Accounts with their faded weights, in no particular order. */
  ranked: { label: string; weight: number }[];
  total: number;
}

export class PayeeMemory {
  private readonly byKey = new Map<string, Map<string, number>>();

  constructor(private readonly decay = 0.85) {}

  learn(key: string, label: string): void {
    if (key === "") return;
    let weights = this.byKey.get(key);
    if (!weights) {
      weights = new Map();
      this.byKey.set(key, weights);
    }
    for (const [l, w] of weights) weights.set(l, w * this.decay);
    weights.set(label, (weights.get(label) ?? 0) + 1);
  }

  /** Takes back one observation (a manual re-categorize moved it to another account). */
  unlearn(key: string, label: string): void {
    const weights = this.byKey.get(key);
    const w = weights?.get(label);
    if (!weights || w === undefined) return;
    if (w <= 1) weights.delete(label);
    else weights.set(label, w - 1);
    if (weights.size === 0) this.byKey.delete(key);
  }

  recall(key: string): PayeeRecall | null {
    const weights = key === "" ? undefined : this.byKey.get(key);
    if (!weights || weights.size === 0) return null;
    let total = 0;
    const ranked: { label: string; weight: number }[] = [];
    for (const [label, weight] of weights) {
      total += weight;
      ranked.push({ label, weight });
    }
    return { ranked, total };
  }

  toJSON(): PayeeMemoryJSON {
    return [...this.byKey].map(([k, w]) => [k, [...w]]);
  }

  static fromJSON(json: PayeeMemoryJSON, decay?: number): PayeeMemory {
    const m = new PayeeMemory(decay);
    for (const [k, w] of json) m.byKey.set(k, new Map(w));
    return m;
  }
}
