import { NOISE_WORDS, payeeKeyOfWords, US_STATES, words } from "../payee-key.js";
import type { TxnForCategorize } from "../types.js";

/** A string feature, or a character 4-gram packed into a number (6 bits a character; cheaper to hash). */
export type Feature = string | number;

function charCode(ch: number): number {
  return ch === 32 ? 1 : ch & 63;
}

/** Character 4-grams of " word ", each packed into an integer below 2^24. */
function charGrams(word: string, out: Feature[]): void {
  const padded = ` ${word} `;
  let code = 0;
  for (let j = 0; j < padded.length; j++) {
    code = ((code << 6) | charCode(padded.charCodeAt(j))) & 0xffffff;
    if (j >= 3) out.push(code);
  }
}

/**
 * What the text model sees of a transaction. Words and word pairs carry the merchant and what was bought;
 * character 4-grams of each word survive the typos and truncations of bank descriptions ("STARBUKCS",
 * "AMZN MKTP"); the amount's sign and order of magnitude separate the ambiguous merchants (a $12 and a
 * $1,400 purchase at the same store are rarely the same account).
 */
export function historyFeatures(txn: TxnForCategorize): { key: string; features: Feature[] } {
  const descriptionWords = words(txn.description);
  const payeeWords = txn.payee && txn.payee.trim() !== "" ? words(txn.payee) : null;
  const key = payeeKeyOfWords(payeeWords ?? descriptionWords);
  const ws = payeeWords ? [...payeeWords, ...descriptionWords] : descriptionWords;
  const out: Feature[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    out.push(`w:${w}`);
    if (i > 0) out.push(`b:${ws[i - 1]} ${w}`);
    // Bank boilerplate and state codes are in every class: their n-grams would cost without telling anything.
    if (!NOISE_WORDS.has(w) && !US_STATES.has(w)) charGrams(w, out);
  }
  if (key) out.push(`p:${key}`);
  const dir = txn.amountCents < 0 ? "out" : "in";
  const magnitude = Math.floor(Math.log2(Math.abs(txn.amountCents) / 100 + 1));
  out.push(`d:${dir}`, `a:${dir}${magnitude}`);
  return { key, features: out };
}
