/**
 * Turns a messy bank description into a stable payee key: "POS PURCHASE SQ *BLUE BOTTLE #0042 SAN
 * FRANCISCO CA" → "blue bottle". Bank exports wrap the merchant in card-network noise (prefixes,
 * store numbers, masked card digits, dates, cities); payee memory and the LLM cache need the merchant.
 */

/** Words banks put around the merchant; never part of a payee key. */
export const NOISE_WORDS: ReadonlySet<string> = new Set([
  "pos",
  "purchase",
  "debit",
  "credit",
  "card",
  "checkcard",
  "check",
  "crd",
  "dbt",
  "visa",
  "mc",
  "mastercard",
  "ach",
  "eft",
  "recurring",
  "payment",
  "pmt",
  "pymt",
  "web",
  "online",
  "electronic",
  "withdrawal",
  "deposit",
  "transfer",
  "xfer",
  "ppd",
  "ccd",
  "id",
  "sq",
  "tst",
  "pp",
  "paypal",
  "sp",
  "the",
  "inc",
  "llc",
  "ltd",
  "co",
  "corp",
  "www",
  "com",
  "authorized",
  "on",
  "to",
  "from",
  "zelle",
  "venmo",
  "cashapp",
  "conf",
  "ref",
  "trace",
  "indn",
  "orig",
  "descr",
  "entry",
]);

export const US_STATES: ReadonlySet<string> = new Set(
  "al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc".split(
    " ",
  ),
);

/** First words of two-word city names ("SAN FRANCISCO", "NEW YORK"), dropped with the rest of the city. */
const CITY_FIRST_WORDS = new Set([
  "san",
  "los",
  "las",
  "new",
  "st",
  "saint",
  "santa",
  "fort",
  "ft",
  "salt",
  "el",
  "palo",
  "long",
  "baton",
  "sioux",
  "des",
  "kansas",
  "oklahoma",
  "jersey",
  "colorado",
  "grand",
]);

/**
 * Lower-cased words of a description (letters, `&` and `'`, which is dropped), skipping tokens with
 * digits (store and card numbers) and single letters. A hand-written scanner: it runs for every
 * transaction learned and predicted, and regex splitting was the history model's largest cost.
 */
export function words(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  let digit = false;
  const lower = text.toLowerCase();
  for (let i = 0; i <= lower.length; i++) {
    const ch = i < lower.length ? lower.charCodeAt(i) : 32;
    const letter = (ch >= 97 && ch <= 122) || ch === 38 || ch === 39;
    const isDigit = ch >= 48 && ch <= 57;
    if (letter || isDigit) {
      if (start < 0) {
        start = i;
        digit = false;
      }
      if (isDigit) digit = true;
      continue;
    }
    if (start >= 0 && !digit && i - start >= 2) {
      const w = lower.slice(start, i);
      out.push(w.includes("'") ? w.replace(/'/g, "") : w);
    }
    start = -1;
  }
  return out;
}

/** The first two merchant words of the payee (or, without one, the description); "" when nothing is left. */
export function payeeKey(description: string, payee?: string | null): string {
  return payeeKeyOfWords(words(payee && payee.trim() !== "" ? payee : description));
}

/** {@link payeeKey} from already tokenized {@link words}, for callers that need the words too. */
export function payeeKeyOfWords(all: readonly string[]): string {
  const ws = all.filter((w) => !NOISE_WORDS.has(w));
  // A trailing state code and the city before it are location, not merchant ("STARBUCKS 5531 BELLEVUE
  // WA" and "STARBUCKS #12 SEATTLE WA" are one payee); the merchant's first word always survives.
  if (ws.length >= 3 && US_STATES.has(ws[ws.length - 1]!)) {
    ws.splice(-2);
    if (ws.length >= 2 && CITY_FIRST_WORDS.has(ws[ws.length - 1]!)) ws.pop();
  }
  return ws.slice(0, 2).join(" ");
}
