/**
 * Every word the importer knows, as data: header names of column roles, the words of summary
 * lines (opening and closing balances, totals, turnover), of pending rows and of debit/credit
 * markers, in the major European languages (EN, DE, FR, ES, IT, PT, NL, SV, DA, NO, FI, PL, CS,
 * SK, HU, RO, LT, LV, ET). Words only ever break ties between readings of a file's content:
 * a header never makes a column of words an amount. Headers are compared after
 * `normalizeHeader` (lower case, no accents, no punctuation), so write them that way here.
 */

export type HeaderRole =
  | "date"
  | "description"
  | "payee"
  | "amount"
  | "debit"
  | "credit"
  | "category"
  | "marker"
  | "balance"
  | "other";

/**
 * [role, priority, pattern]. The first rule that matches a header decides its role, so the
 * specific ("value date", "balance") come before the general ("date", "amount").
 */
export const HEADER_RULES: ReadonlyArray<readonly [HeaderRole, number, RegExp]> = [
  [
    "other",
    0,
    /\b(value date|valuta|valutadatum|wertstellung|fecha valor|date de valeur|data valuta|rentedatum|arvopaiva|data waluty|valutadag|datum valuty|erteknap|data valutei)\b/,
  ],
  [
    "balance",
    0,
    /\b(balance|saldo|kontostand|solde|running ?balance|boeksaldo|likutis|jaak|stan konta|egyenleg|zustatek|sold)\b/,
  ],
  [
    "other",
    0,
    /\b(available|currency|wahrung|waehrung|divisa|devise|valuta rekening|valutacode|valiuta|waluta|mena|penznem|konto|kontonummer|iban|bic|blz|bankleitzahl|account|cuenta|rekening|check ?number|status|state|reference number|mandat|glaubiger|fee|commission|gebuhr|frais|sort code|product)/,
  ],
  [
    "marker",
    3,
    /^(cr ?dr|dr ?cr|debit ?credit|credit ?debit|d ?c|c ?d|d ?k|k ?d|s ?h|soll ?haben|credit debit indicator|creditdebet|transaction type|type|indicator|af bij)$/,
  ],
  ["category", 3, /^(category|categorie|kategorie|categoria|categoria principal|kategoria)$/],
  ["category", 2, /\b(category|categorie|kategorie|categoria|subcategory)\b/],
  [
    "debit",
    3,
    /\b(debits?|debit amount|withdrawals?|paid out|money out|soll|ausgang|ausgaben|belastung|lastschrift|cargos?|debe|retiros?|debito|uscite|addebiti|debet|outflow|spent|charges?|af|obciazenia|wydatki|terheles|kiadas|odchozi|vydaj|nosto|uttag|debetbelopp)\b/,
  ],
  [
    "credit",
    3,
    /\b(credits?|credit amount|deposits?|paid in|money in|haben|eingang|einnahmen|gutschrift|abonos?|haber|ingresos?|credito|entrate|accrediti|inflow|received|bij|uznania|wplywy|jovairas|bevetel|prichozi|prijem|pano|insattning|kreditbelopp)\b/,
  ],
  [
    "amount",
    3,
    /\b(amount|betrag|importe|montant|importo|valor|bedrag|belopp|belob|kwota|castka|objem|osszeg|suma|summa|maara|summe|umsatz|amt|sum|transaction amount)\b/,
  ],
  [
    "date",
    3,
    /^(date|datum|fecha|data|dato|transaction date|trans date|txn date|booking date|buchung|buchungstag|buchungsdatum|fecha operacion|fecha de operacion|date operation|date de l operation|data operazione|data operacji|data ksiegowania|datum zauctovani|datum provedeni|konyvelesi datum|kirjauspaiva|bokforingsdag|transaktionsdatum|started date|completed date|transactiedatum|uitvoeringsdatum|boekdatum|posting date|post date)$/,
  ],
  ["date", 2, /\b(date|datum|fecha|data|dato|buchungstag|bokforingsdatum|paiva|datums|kuupaev)\b/],
  [
    "payee",
    3,
    /\b(payee|beguenstigter|begunstigter|zahlungspflichtiger|empfanger|empfaenger|auftraggeber|merchant|counterparty|beneficiary|beneficiario|ordenante|recipient|payer|destinatario|comercio|name|naam|nom|nome|tegenrekeninghouder|gavejas|saaja|kontrahent|odbiorca|partner|protistrana|mottagare)\b/,
  ],
  [
    "description",
    4,
    /^(description|descripcion|descrizione|beschreibung|verwendungszweck|libelle|omschrijving|descrizione operazioni)$/,
  ],
  [
    "description",
    3,
    /^(description|desc|details|memo|narrative|narration|verwendungszweck|beschreibung|concepto|descripcion|libelle|libelle operation|causale|descrizione|omschrijving|particulars|transaction details|transaction description|purpose|mitteilung|paaiskinimai|selitys|viesti|opis|tytul|popis|kozlemeny|meddelande|text)$/,
  ],
  [
    "description",
    2,
    /\b(description|details|memo|narrative|verwendungszweck|buchungstext|beschreibung|text|concepto|libelle|omschrijving|remarks|opis|popis|tekst)\b/,
  ],
  ["description", 1, /\b(reference|notes?|transaction|vorgang|motivo|umsatzart|info|mededelingen)\b/],
];

/**
 * The start of a summary line's text: opening/closing balances, totals, turnover. A row whose
 * description (or date cell) begins with one of these is skipped and reported, never imported.
 */
const SUMMARY_PHRASES = [
  // English
  "opening balance",
  "closing balance",
  "balance brought forward",
  "balance carried forward",
  "brought forward",
  "carried forward",
  "starting balance",
  "beginning balance",
  "balance forward",
  "ending balance",
  "previous balance",
  "new balance",
  "turnover",
  // German
  "anfangssaldo",
  "endsaldo",
  "schlusssaldo",
  "alter saldo",
  "neuer saldo",
  "saldo vortrag",
  "saldovortrag",
  "kontostand",
  "umsatzsumme",
  // French
  "solde initial",
  "solde final",
  "solde de d[eé]but",
  "solde de fin",
  "ancien solde",
  "nouveau solde",
  "solde au",
  "total des",
  // Spanish, Portuguese
  "saldo inicial",
  "saldo final",
  "saldo anterior",
  "saldo actual",
  "saldo disponible",
  // Italian
  "saldo iniziale",
  "saldo finale",
  "saldo contabile",
  // Dutch
  "beginsaldo",
  "eindsaldo",
  "openingssaldo",
  // Scandinavian, Finnish
  "ing[aå]ende saldo",
  "utg[aå]ende saldo",
  "alkusaldo",
  "loppusaldo",
  // Polish, Czech, Slovak, Hungarian, Romanian
  "saldo pocz[aą]tkowe",
  "saldo ko[nń]cowe",
  "saldo otwarcia",
  "saldo zamkni[eę]cia",
  "po[cč][aá]te[cč]n[ií] z[uů]statek",
  "kone[cč]n[yý] z[uů]statek",
  "nyit[oó] egyenleg",
  "z[aá]r[oó] egyenleg",
  "sold ini[tț]ial",
  "sold final",
  // Baltic
  "likutis",
  "apyvarta",
  "algsaldo",
  "l[oõ]ppsaldo",
  "k[aā]p[eē]jais apgroz[iī]jums",
  "s[aā]kuma atlikums",
  "beigu atlikums",
];

export const SUMMARY_START = new RegExp(`^[\\s|*:-]*(${SUMMARY_PHRASES.join("|")})\\b`, "iu");

// The first two letters of every phrase: a cheap test that rules out nearly every transaction
// before the regular expression runs (it runs on every row of a 100,000-row file).
const SUMMARY_PREFIXES = new Set(
  [
    ...SUMMARY_PHRASES,
    "total",
    "totale",
    "totaal",
    "sum",
    "summe",
    "summa",
    "saldo",
    "balance",
    "solde",
    "subtotal",
  ].map((p) => p.slice(0, 2)),
);

/** Whether a cell may start a summary line (strong or weak): true means "test the patterns". */
export function mayBeSummary(text: string): boolean {
  if (text === "") return false;
  const lead = /^[\s|*:-]/.test(text) ? text.replace(/^[\s|*:-]+/, "") : text;
  return SUMMARY_PREFIXES.has(lead.slice(0, 2).toLowerCase());
}

/**
 * Words that start summary lines but also merchants' names ("TOTAL ENERGIES", "SUM UP"): a
 * row starting with one is a summary only when its shape differs too (no date, no amount).
 */
export const SUMMARY_WEAK =
  /^[\s|*:-]*(total|totals|totale|totaal|sum|summe|summa|saldo|balance|solde|subtotal)\b/iu;

/** Words for a transaction the bank has not booked yet, written in a date or status cell. */
export const PENDING_WORDS = new Set([
  "pending",
  "pend",
  "pendiente",
  "vorgemerkt",
  "in bearbeitung",
  "en attente",
  "in attesa",
  "authorised",
  "authorized",
  "processing",
  "reserved",
  "reserviert",
  "in behandeling",
  "oczekujaca",
  "oczekujace",
  "cekajici",
  "fuggo",
  "odottaa",
  "väntande",
  "vantande",
]);

/** Marker cells that say money in; matched after lower-casing. */
export const CREDIT_MARKS = new Set([
  "cr",
  "c",
  "k",
  "h",
  "haben",
  "credit",
  "gutschrift",
  "bij",
  "in",
  "abono",
  "kredit",
  "kreditas",
  "uznanie",
  "jovairas",
  "deposit",
]);

/** Marker cells that say money out. */
export const DEBIT_MARKS = new Set([
  "dr",
  "d",
  "s",
  "soll",
  "debit",
  "lastschrift",
  "af",
  "out",
  "cargo",
  "debet",
  "debetas",
  "obciazenie",
  "terheles",
  "withdrawal",
]);
