import { payeeKey } from "../payee-key.js";
import type { Categorization, TxnForCategorize } from "../types.js";
import { Calibration, type CalibrationJSON } from "./calibration.js";
import { type Feature, historyFeatures } from "./features.js";
import { NaiveBayes, type NaiveBayesJSON } from "./naive-bayes.js";
import { PayeeMemory, type PayeeMemoryJSON } from "./payee-memory.js";

/**
 * The history categorizer: payee memory and a naive Bayes text model, combined, with a confidence
 * calibrated on its own held-out outcomes (see calibration.ts).
 *
 * Combination: when the payee was seen before (at this amount band if possible, else at any amount), its
 * memory is the evidence and the text model tips the balance — the probability of each account is
 * (memory weight + TEXT_WEIGHT × text probability) / (memory total + TEXT_WEIGHT), so a payee always
 * booked to one account wins, and an ambiguous one (a marketplace booked to three accounts) defers to
 * the text model, which also sees the amount. An unseen payee gets the text model alone.
 */

export interface HistoryExample {
  txn: TxnForCategorize;
  accountId: string;
}

export interface HistoryModel {
  /** Number of examples learned (net of unlearned ones). */
  readonly size: number;
  learn(txn: TxnForCategorize, accountId: string): void;
  /** Takes back an earlier `learn` — call it with the old account on a manual re-categorize. */
  unlearn(txn: TxnForCategorize, accountId: string): void;
  /** Learns examples in the order given; give them oldest first. */
  train(examples: Iterable<HistoryExample>): void;
  predict(txn: TxnForCategorize): Categorization | null;
  /** Whether the payee of `txn` was booked before (payee memory), whatever the account. */
  knowsPayee(txn: TxnForCategorize): boolean;
  toJSON(): HistoryModelJSON;
}

export interface HistoryModelJSON {
  version: 1;
  nb: NaiveBayesJSON;
  memory: PayeeMemoryJSON;
  calibration: CalibrationJSON;
}

/** How much the text model counts against payee memory, in observations. */
const TEXT_WEIGHT = 1;

interface RawPrediction {
  label: string;
  raw: number;
  group: string;
  reason: string;
}

/** Direction and decimal order of magnitude in dollars: out0 (< $10), out1 (< $100), ..., in3. */
function amountBand(txn: TxnForCategorize): string {
  const dollars = Math.abs(txn.amountCents) / 100;
  return `${txn.amountCents < 0 ? "out" : "in"}${Math.floor(Math.log10(dollars + 1))}`;
}

export function createHistoryModel(): HistoryModel {
  return build(new NaiveBayes(0.1), new PayeeMemory(), new Calibration());
}

export function historyModelFromJSON(json: HistoryModelJSON): HistoryModel {
  if (json?.version !== 1) {
    throw new Error("unsupported history model format: rebuild the model from categorized transactions");
  }
  return build(
    NaiveBayes.fromJSON(json.nb),
    PayeeMemory.fromJSON(json.memory),
    Calibration.fromJSON(json.calibration),
  );
}

function build(nb: NaiveBayes, memory: PayeeMemory, calibration: Calibration): HistoryModel {
  function rawPredict(txn: TxnForCategorize, features: Feature[], key: string): RawPrediction | null {
    const text = nb.scores(features);
    if (text.top < 0) return null;
    const textTop = text.labels[text.top]!;
    // The payee's bookings at this order of magnitude first: a $15 and a $1,500 marketplace purchase
    // are usually different accounts. Without any at this size, all of the payee's bookings.
    const banded = key ? memory.recall(`${key}|${amountBand(txn)}`) : null;
    const recall = banded ?? memory.recall(key);
    if (!recall) {
      // Few recognised features make a wild guess look as sure as an informed one: calibrate them apart.
      const coverage = text.known >= 8 ? "k" : "u";
      return {
        label: textTop,
        raw: text.p[text.top]!,
        group: `text:${coverage}`,
        reason: "description resembles past transactions",
      };
    }
    // The best account is either one the payee was booked to or the text model's favourite.
    const textP = (label: string) => {
      const c = text.labels.indexOf(label);
      return c < 0 ? 0 : text.p[c]!;
    };
    let best = { label: textTop, p: (textP(textTop) * TEXT_WEIGHT) / (recall.total + TEXT_WEIGHT) };
    for (const { label, weight } of recall.ranked) {
      const p = (weight + TEXT_WEIGHT * textP(label)) / (recall.total + TEXT_WEIGHT);
      if (p > best.p) best = { label, p };
    }
    const agree = best.label === textTop ? "agree" : "differ";
    const seen = recall.total >= 2.5 ? "often" : "once";
    return {
      label: best.label,
      raw: best.p,
      group: `payee:${seen}:${agree}`,
      reason: `payee "${key}" was booked here before`,
    };
  }

  const model: HistoryModel = {
    get size() {
      return nb.size;
    },
    learn(txn, accountId) {
      const { key, features } = historyFeatures(txn);
      // Calibration needs outcomes, not every outcome: past 1,000 examples, predict one in size/1000
      // (a 10,000-example rebuild predicts ~4,000 times instead of 10,000).
      if (nb.size % Math.max(1, Math.floor(nb.size / 1000)) === 0) {
        const before = rawPredict(txn, features, key);
        if (before) calibration.record(before.group, before.raw, before.label === accountId);
      }
      nb.add(features, accountId);
      memory.learn(key, accountId);
      if (key) memory.learn(`${key}|${amountBand(txn)}`, accountId);
    },
    unlearn(txn, accountId) {
      const { key, features } = historyFeatures(txn);
      nb.add(features, accountId, -1);
      memory.unlearn(key, accountId);
      memory.unlearn(`${key}|${amountBand(txn)}`, accountId);
    },
    train(examples) {
      for (const e of examples) model.learn(e.txn, e.accountId);
    },
    predict(txn) {
      const { key, features } = historyFeatures(txn);
      const p = rawPredict(txn, features, key);
      if (!p) return null;
      const confidence = calibration.confidence(p.group, p.raw);
      return { accountId: p.label, confidence, source: "history", reason: p.reason };
    },
    knowsPayee(txn) {
      const key = payeeKey(txn.description, txn.payee);
      return key !== "" && memory.recall(key) !== null;
    },
    toJSON() {
      return { version: 1, nb: nb.toJSON(), memory: memory.toJSON(), calibration: calibration.toJSON() };
    },
  };
  return model;
}
