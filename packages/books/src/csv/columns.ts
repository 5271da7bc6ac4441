/**
 * Recognising columns by their header text, in the languages of the exports we see
 * (English, German, Spanish, French, Italian, Dutch, Portuguese, Scandinavian).
 */
import { CsvFormatError } from "./errors.js";
import type { ColumnMapping, ColumnMappingInput, ColumnRef } from "./types.js";

type Role =
  | "date"
  | "description"
  | "payee"
  | "amount"
  | "debit"
  | "credit"
  | "category"
  | "marker"
  | "other";

// Order matters: the first rule that matches a header decides its role, so the specific
// ("value date", "balance") come before the general ("date", "amount").
const RULES: Array<[Role, number, RegExp]> = [
  [
    "other",
    0,
    /\b(value date|valuta|wertstellung|fecha valor|date de valeur|data valuta|valutadatum|rentedatum)\b/,
  ],
  [
    "other",
    0,
    /\b(balance|saldo|kontostand|solde|running ?balance|available|currency|wahrung|divisa|devise|konto|iban|bic|blz|bankleitzahl|account|cuenta|check ?number|status|reference number|mandat|glaubiger)/,
  ],
  [
    "marker",
    3,
    /^(cr ?dr|dr ?cr|debit ?credit|credit ?debit|d ?c|c ?d|s ?h|soll ?haben|credit debit indicator|transaction type|type|indicator|af bij)$/,
  ],
  ["category", 3, /^(category|categorie|kategorie|categoria|categoria principal)$/],
  ["category", 2, /\b(category|categorie|kategorie|categoria|subcategory)\b/],
  [
    "debit",
    3,
    /\b(debits?|withdrawals?|paid out|money out|soll|ausgang|ausgaben|belastung|lastschrift|cargos?|debe|retiros?|debito|uscite|addebiti|debet|outflow|spent|charge|charges)\b/,
  ],
  [
    "credit",
    3,
    /\b(credits?|deposits?|paid in|money in|haben|eingang|einnahmen|gutschrift|abonos?|haber|ingresos?|credito|entrate|accrediti|inflow|received)\b/,
  ],
  [
    "amount",
    3,
    /\b(amount|betrag|importe|montant|importo|valor|bedrag|belopp|belob|kwota|transaction amount|umsatz|summe|amt|sum)\b/,
  ],
  [
    "date",
    3,
    /^(date|datum|fecha|data|dato|transaction date|trans date|txn date|booking date|buchungstag|buchungsdatum|fecha operacion|fecha de operacion|date operation|date de l operation|data operazione|transaktionsdatum|bokforingsdag|started date|transactiedatum)$/,
  ],
  ["date", 2, /\b(date|datum|fecha|data|dato|buchungstag|bokforingsdatum)\b/],
  [
    "payee",
    3,
    /\b(payee|beguenstigter|begunstigter|zahlungspflichtiger|empfanger|empfaenger|auftraggeber|merchant|counterparty|beneficiary|beneficiario|ordenante|recipient|payer|destinatario|comercio|name|naam|nom|nome)\b/,
  ],
  [
    "description",
    4,
    /^(description|descripcion|descrizione|beschreibung|verwendungszweck|libelle|omschrijving)$/,
  ],
  [
    "description",
    3,
    /^(description|desc|details|memo|narrative|narration|verwendungszweck|beschreibung|concepto|descripcion|libelle|libelle operation|causale|descrizione|omschrijving|particulars|transaction details|purpose|mitteilung)$/,
  ],
  [
    "description",
    2,
    /\b(description|details|memo|narrative|verwendungszweck|buchungstext|beschreibung|text|concepto|libelle|omschrijving|remarks)\b/,
  ],
  ["description", 1, /\b(reference|notes?|transaction|vorgang|motivo|umsatzart|info)\b/],
];

/** Lower case, no accents, no punctuation, no "(SGD)"-style currency suffix. */
export function normalizeHeader(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .replace(/ä/g, "a")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function classify(header: string): { role: Role; priority: number } | null {
  const h = normalizeHeader(header);
  if (h === "") return null;
  for (const [role, priority, pattern] of RULES) if (pattern.test(h)) return { role, priority };
  return null;
}

/** Detects the mapping from a header; null unless it has a date column and an amount-like column. */
export function detectMapping(headers: string[]): ColumnMapping | null {
  const best = new Map<Role, { index: number; priority: number }>();
  headers.forEach((header, index) => {
    const found = classify(header);
    if (!found) return;
    const current = best.get(found.role);
    if (!current || found.priority > current.priority)
      best.set(found.role, { index, priority: found.priority });
  });
  const at = (role: Role) => best.get(role)?.index ?? null;
  const date = at("date");
  const debit = at("debit");
  const credit = at("credit");
  const useDebitCredit = debit !== null && credit !== null;
  const amount = useDebitCredit ? null : at("amount");
  if (date === null || (amount === null && debit === null && credit === null)) return null;
  const description = at("description");
  return {
    date,
    description: description === null ? [] : [description],
    payee: at("payee"),
    amount,
    debit: amount === null ? debit : null,
    credit: amount === null ? credit : null,
    category: at("category"),
    // An unnamed column next to a single amount column often holds the CR/DR markers.
    marker: amount === null ? null : (at("marker") ?? unnamedColumn(headers)),
  };
}

function unnamedColumn(headers: string[]): number | null {
  const index = headers.findIndex((h, i) => i > 0 && h.trim() === "");
  return index < 0 ? null : index;
}

/** Resolves one explicit column reference against the header. */
function resolveRef(ref: ColumnRef, headers: string[], what: string): number {
  if (typeof ref === "number") {
    if (Number.isInteger(ref) && ref >= 0 && (headers.length === 0 || ref < headers.length)) return ref;
    throw new CsvFormatError(
      "bad-mapping",
      `The mapping puts the ${what} in column index ${ref}, but the file has ${headers.length} columns; use a 0-based index below ${headers.length}.`,
    );
  }
  const wanted = ref.trim().toLowerCase();
  const index = headers.findIndex((h) => h.trim().toLowerCase() === wanted);
  if (index >= 0) return index;
  throw new CsvFormatError(
    "bad-mapping",
    `The mapping names column "${ref}" for the ${what}, but the header has ${headers.map((h) => `"${h}"`).join(", ")}; use one of those names or a 0-based index.`,
  );
}

/** Detected mapping with the caller's explicit choices applied on top; explicit wins. */
export function applyMapping(
  detected: ColumnMapping | null,
  input: ColumnMappingInput,
  headers: string[],
): ColumnMapping | null {
  const ref = (value: ColumnRef | undefined, what: string) =>
    value === undefined ? undefined : resolveRef(value, headers, what);
  const date = ref(input.date, "date") ?? detected?.date;
  const explicitAmount =
    input.amount !== undefined || input.debit !== undefined || input.credit !== undefined;
  const amount = explicitAmount ? (ref(input.amount, "amount") ?? null) : (detected?.amount ?? null);
  const debit = explicitAmount ? (ref(input.debit, "debit") ?? null) : (detected?.debit ?? null);
  const credit = explicitAmount ? (ref(input.credit, "credit") ?? null) : (detected?.credit ?? null);
  if (date === undefined || (amount === null && debit === null && credit === null)) return null;
  const descriptions =
    input.description === undefined
      ? (detected?.description ?? [])
      : (Array.isArray(input.description) ? input.description : [input.description]).map((d) =>
          resolveRef(d, headers, "description"),
        );
  return {
    date,
    description: descriptions,
    payee: ref(input.payee, "payee") ?? detected?.payee ?? null,
    amount,
    debit,
    credit,
    category: ref(input.category, "category") ?? detected?.category ?? null,
    marker: amount !== null ? (detected?.marker ?? null) : null,
  };
}

/** Whether a record contains every column the explicit mapping names by text. */
export function namesExplicitColumns(fields: string[], input: ColumnMappingInput): boolean {
  const names = Object.values(input)
    .flat()
    .filter((v): v is string => typeof v === "string")
    .map((v) => v.trim().toLowerCase());
  if (names.length === 0) return false;
  const present = new Set(fields.map((f) => f.trim().toLowerCase()));
  return names.every((name) => present.has(name));
}
