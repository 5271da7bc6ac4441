import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_CHART } from "../../db/default-chart.js";
import {
  createHistoryModel,
  type HistoryExample,
  type HistoryModel,
  type HistoryModelJSON,
  historyModelFromJSON,
} from "../history/model.js";
import type { Account, Categorization, TxnForCategorize } from "../types.js";
import { type MerchantFacts, readMerchantFacts } from "./facts.js";
import { defaultChartName } from "./labels.js";

/**
 * The built-in prior: what any small business's bank lines usually mean, before the company has any
 * history of its own. It is the history model (payee memory, naive Bayes text model, calibrated
 * confidence) trained once, at build time, on merchant-category facts (facts.ts) and the training
 * split of a labeled set, with the default chart's account codes as labels. Its confidence is
 * calibrated the same way — every training example was predicted before it was learned — so a
 * merchant it knows scores high and a stranger goes to review.
 */

export interface PriorArtefact {
  version: 1;
  /** What it learned from, so an evaluation can prove it never saw its test rows. */
  trainedOn: {
    facts: number;
    labeledFile: string;
    labeledRows: number;
    /** The newest date among the labeled rows learned (time-ordered split). */
    labeledUntil: string | null;
    /** {@link rowFingerprint} of every labeled row learned. */
    fingerprints: string[];
  };
  model: HistoryModelJSON;
}

export interface PriorPrediction {
  /** Default-chart account code. */
  code: string;
  confidence: number;
  reason: string;
}

export interface PriorModel {
  readonly trainedOn: PriorArtefact["trainedOn"];
  predict(txn: TxnForCategorize): PriorPrediction | null;
  /** The prior answering with one company's accounts: default-chart codes resolved by name, else code. */
  forAccounts(accounts: readonly Account[]): PriorCategorizer;
}

export interface PriorCategorizer {
  predict(txn: TxnForCategorize): Categorization | null;
}

/**
 * Below this the prior says nothing: a description with no word it knows still gets the most common
 * account at ≈ 0.05, and booking that for review would only give the bookkeeper a wrong entry to undo.
 * Such rows stay uncategorized (or go to the LLM).
 */
export const PRIOR_MIN_CONFIDENCE = 0.3;

/** Identifies a labeled row without storing it: date, description and amount, hashed. */
export function rowFingerprint(txn: Pick<TxnForCategorize, "date" | "description" | "amountCents">): string {
  return createHash("sha1")
    .update(`${txn.date}|${txn.description.trim().toLowerCase()}|${txn.amountCents}`)
    .digest("base64url")
    .slice(0, 10);
}

/** Amounts a fact is shown at: a small and a large one, so no amount band is the fact's alone. */
const FACT_AMOUNTS = { out: [-1800, -24000], in: [9000, 240000] } as const;

/** The facts as short transactions, merchants first, then keywords, in file order (deterministic). */
export function factExamples(facts: readonly MerchantFacts[] = readMerchantFacts()): HistoryExample[] {
  const out: HistoryExample[] = [];
  for (const group of facts) {
    for (const name of [...group.merchants, ...group.keywords]) {
      for (const amountCents of FACT_AMOUNTS[group.direction]) {
        out.push({
          txn: {
            id: `fact:${out.length}`,
            date: "2000-01-01",
            description: name.toUpperCase(),
            payee: null,
            amountCents,
          },
          accountId: group.code,
        });
      }
    }
  }
  return out;
}

/**
 * Trains the prior: the facts first (general knowledge), then the labeled rows oldest first, every one
 * predicted before it is learned so the calibration has held-out outcomes. Deterministic.
 */
export function trainPrior(input: {
  facts?: readonly MerchantFacts[];
  labeled: readonly HistoryExample[];
  labeledFile: string;
}): PriorArtefact {
  const model = createHistoryModel();
  const facts = factExamples(input.facts);
  model.train(facts);
  model.train(input.labeled);
  const dates = input.labeled.map((e) => e.txn.date).sort();
  return {
    version: 1,
    trainedOn: {
      facts: facts.length,
      labeledFile: input.labeledFile,
      labeledRows: input.labeled.length,
      labeledUntil: dates.at(-1) ?? null,
      fingerprints: input.labeled.map((e) => rowFingerprint(e.txn)).sort(),
    },
    model: model.toJSON(),
  };
}

export function priorFromArtefact(artefact: PriorArtefact): PriorModel {
  if (artefact?.version !== 1)
    throw new Error(
      "unsupported prior model format: run `npm run train:prior -w packages/books` to rebuild it",
    );
  const history: HistoryModel = historyModelFromJSON(artefact.model);
  const model: PriorModel = {
    trainedOn: artefact.trainedOn,
    predict(txn) {
      const p = history.predict(txn);
      if (!p || p.confidence < PRIOR_MIN_CONFIDENCE) return null;
      const name = defaultChartName(p.accountId) ?? p.accountId;
      const why = p.reason?.startsWith("payee") ? "a merchant it knows" : "words seen with";
      return { code: p.accountId, confidence: p.confidence, reason: `built-in prior: ${why} → ${name}` };
    },
    forAccounts(accounts) {
      // By name first (the chart a company started with); by code only while the account is still of
      // the default chart's type, so a code reused for something else is never guessed into.
      const byName = new Map<string, string>();
      const byCode = new Map<string, string>();
      for (const a of accounts) {
        byName.set(a.name.toLowerCase(), a.id);
        if (DEFAULT_CHART.some((d) => d.code === a.code && d.type === a.type)) byCode.set(a.code, a.id);
      }
      return {
        predict(txn) {
          const p = model.predict(txn);
          if (!p) return null;
          const name = defaultChartName(p.code)?.toLowerCase();
          const accountId = (name && byName.get(name)) || byCode.get(p.code);
          return accountId
            ? { accountId, confidence: p.confidence, source: "prior", reason: p.reason }
            : null;
        },
      };
    },
  };
  return model;
}

export const PRIOR_ARTEFACT_PATH = fileURLToPath(new URL("../../../data/prior-model.json", import.meta.url));

let builtIn: PriorModel | undefined;

/** The prior shipped in packages/books/data, read once per process (≈ a few ms). */
export function loadBuiltInPrior(): PriorModel {
  if (!builtIn) {
    let text: string;
    try {
      text = readFileSync(PRIOR_ARTEFACT_PATH, "utf8");
    } catch (error) {
      throw new Error(
        `the built-in prior model ${PRIOR_ARTEFACT_PATH} is missing: run \`npm run train:prior -w packages/books\``,
        { cause: error },
      );
    }
    builtIn = priorFromArtefact(JSON.parse(text) as PriorArtefact);
  }
  return builtIn;
}
