import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Merchant-category facts the built-in prior learns from, kept as data in
 * packages/books/data/merchant-facts.json: which account of the default chart (db/default-chart.ts, by
 * code) a well-known US merchant or a merchant-category word belongs to. They are facts about who sells
 * what — the kind card networks publish as merchant category code (MCC) descriptions ("5812 Eating
 * places, restaurants", "5541 Service stations", "4511 Airlines") — written by us, not anyone's data
 * set. Names are spelled as bank statements show them, lower-case. Read only when the prior is trained.
 */
export interface MerchantFacts {
  /** Default-chart account code. */
  code: string;
  /** Money in or out, as the merchant would appear on a business checking account. */
  direction: "in" | "out";
  /** Merchant names as they appear on statements. */
  merchants: readonly string[];
  /** Words from MCC descriptions and shop names that point to the account on their own. */
  keywords: readonly string[];
}

export const MERCHANT_FACTS_PATH = fileURLToPath(
  new URL("../../../data/merchant-facts.json", import.meta.url),
);

/** Reads and checks the facts file; a malformed entry is refused with its position and what is wrong. */
export function readMerchantFacts(path = MERCHANT_FACTS_PATH): MerchantFacts[] {
  const json = JSON.parse(readFileSync(path, "utf8")) as { facts?: unknown };
  if (!Array.isArray(json.facts)) throw new Error(`${path}: expected {"facts": [...]}`);
  return json.facts.map((f: Partial<MerchantFacts>, i: number) => {
    const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === "string");
    if (typeof f.code !== "string" || (f.direction !== "in" && f.direction !== "out"))
      throw new Error(`${path}: facts[${i}] needs a "code" and a "direction" of "in" or "out"`);
    if (!strings(f.merchants) || !strings(f.keywords))
      throw new Error(
        `${path}: facts[${i}] (code ${f.code}) needs "merchants" and "keywords" as lists of names`,
      );
    return { code: f.code, direction: f.direction, merchants: f.merchants!, keywords: f.keywords! };
  });
}
