/**
 * Payee normalisation: turns a bank's raw description into the merchant's name, so
 * "SQ *BLUE BOTTLE #0412 03/14 CARD 1234" and "SQ *BLUE BOTTLE #0977" both become
 * "blue bottle". The history and LLM categorizers key their memory and caches on it.
 *
 * It is deliberately lossy; duplicate detection uses `normalizeDescription`, which only
 * folds case and spacing, so two different raw descriptions never share a fingerprint.
 */

/** Case and whitespace folding only: stable across re-imports, never merges different texts. */
export function normalizeDescription(text: string): string {
  return text.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
}

// Payment processors and card networks that prefix the merchant's name.
const PROCESSOR_PREFIX =
  /^(?:sq|tst|sp|pp|paypal|pypl|ckocom|zettle|izettle|sumup|square|stripe|google|apple pay|amzn mktp|amazon mktpl?)\s*\*\s*/i;

// Words that say how a card was used rather than who was paid.
const CHANNEL_WORDS =
  /\b(?:pos|eftpos|debit purchase|card purchase|card payment|purchase authorized on|purchase|recurring payment|contactless|checkcard|check card|visa|mastercard|maestro|debit card|credit card|debit|kartenzahlung|lastschrift|sepa|ec|girocard|compra|pago|achat|cb|ach|web pmts|online payment)\b/gi;

// Masked or partial card numbers: "XXXX1234", "****1234", "4000 12** **** 1234", "CARD 1234".
const CARD_NUMBER =
  /(?:\b(?:card|karte|tarjeta)\s*(?:no\.?|nr\.?|#)?\s*[x*\d]{4,}\b)|(?<![x*])[x*]{2,}(?:[\s-][x*]{2,})*[\s-]?\d{2,4}\b/gi;

// Dates and times in any common spelling, including ISO timestamps.
const DATE_LIKE =
  /\b\d{4}-\d{2}-\d{2}(?:t\d{2}:\d{2}(?::\d{2})?)?\b|\b\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b|\b\d{1,2}\s?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/gi;

// Store and terminal numbers: "#0412", "No. 12", "STORE 0602", reference ids, digit runs.
const STORE_NUMBER = /(?:#|\bno\.?\s*|\bstore\s*|\bnr\.?\s*)\d+\b|\b[a-z]*\d[a-z\d-]*\b/gi;

// Many banks pad fixed-width fields (merchant, city, country) with runs of spaces.
const FIELD_GAP = /\s{2,}/;

/**
 * The merchant's name in lower case, or "" when nothing recognisable is left
 * (a description made only of numbers and dates).
 */
export function normalizePayee(text: string): string {
  // Keep the first padded field that names someone: "DELIVEROO.CO.UK        LONDON   LND".
  // Only the start names a payee; the cap keeps the regexes below linear-time on a 1 MB description.
  for (const field of text.slice(0, 1000).normalize("NFKC").trim().split(FIELD_GAP)) {
    const name = cleanField(field);
    if (name !== "") return name;
  }
  return "";
}

function cleanField(field: string): string {
  let s = field.trim();
  // A long number after the name starts a reference or terminal id; the rest is location noise.
  const reference = /\s\d{5,}\b/.exec(s);
  if (reference && /[a-z]{2,}/i.test(s.slice(0, reference.index))) s = s.slice(0, reference.index);
  s = s.replace(CARD_NUMBER, " ").replace(DATE_LIKE, " ");
  s = s.replace(CHANNEL_WORDS, " ").trim();
  // The processor prefix can follow a channel word ("POS SQ *CAFE"), so strip it after them.
  s = s.replace(PROCESSOR_PREFIX, "");
  s = s.replace(STORE_NUMBER, " ");
  // Drop URL paths ("nowtv.com/billinghelp" → "nowtv.com") and stray punctuation.
  s = s.replace(/(\.[a-z]{2,})\/\S*/gi, "$1");
  s = s.replace(/[*#~|_"'`()[\]{}<>:;,]+/g, " ");
  s = s.replace(/(?:^|\s)[-/.&+]+(?=\s|$)/g, " ");
  s = s.replace(/\s+/g, " ").trim();
  return s.replace(/^[-/.&+\s]+|[-/.&+\s]+$/g, "").toLowerCase();
}
