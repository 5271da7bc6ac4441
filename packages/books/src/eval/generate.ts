/**
 * Generates the labeled set the history categorizer is evaluated on: a small company's bank account over
 * 30 months, written the way bank exports write it (prefixes, store numbers, masked card digits, cities,
 * typos, truncation), with a bookkeeper's labels including a few inconsistent ones.
 *
 * Seeded and deterministic: `npx tsx packages/books/src/eval/generate.ts [OUT.csv] [--seed N]`
 * rewrites packages/books/data/labeled-transactions.csv byte for byte.
 */
import { writeFileSync } from "node:fs";
import { CATALOGUE, type Merchant, restaurants } from "./merchants.js";
import { type Random, seededRandom } from "./random.js";

export interface LabeledRow {
  date: string;
  description: string;
  amountCents: number;
  category: string;
}

const MONTHS = 36;
/** Scales every merchant's monthly rate: about 100 transactions a month. */
const VOLUME = 1.3;
const START = Date.UTC(2023, 0, 1);
/** Share of labels a bookkeeper got "wrong" (or booked inconsistently): real histories are not clean. */
const LABEL_NOISE = 0.02;
const TYPO_RATE = 0.07;

const HOME = ["SEATTLE WA", "SEATTLE WA", "SEATTLE WA", "BELLEVUE WA", "REDMOND WA"];
const AWAY = ["SAN FRANCISCO CA", "NEW YORK NY", "AUSTIN TX", "CHICAGO IL", "DENVER CO", "PORTLAND OR"];
const PEOPLE = [
  "JOHN SMITH",
  "MARIA GARCIA",
  "WEI CHEN",
  "PRIYA PATEL",
  "ALEX KIM",
  "SAM O'BRIEN",
  "DANA LEE",
];

function digits(r: Random, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(r.int(0, 9));
  return s;
}

function typo(r: Random, name: string): string {
  if (name.length < 5 || !r.chance(TYPO_RATE)) return name;
  const i = r.int(1, name.length - 2);
  switch (r.int(0, 2)) {
    case 0:
      return name.slice(0, i) + name.slice(i + 1);
    case 1:
      return name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
    default:
      return name.slice(0, i) + name[i] + name.slice(i);
  }
}

function describe(r: Random, merchant: Merchant, date: Date): string {
  const mmdd = `${String(date.getUTCMonth() + 1).padStart(2, "0")}${String(date.getUTCDate()).padStart(2, "0")}`;
  const name = merchant.names.length ? typo(r, r.pick(merchant.names)) : "";
  const city = r.chance(0.8) ? r.pick(HOME) : r.pick(AWAY);
  const card = digits(r, 4);
  switch (merchant.style) {
    case "card": {
      const style = r.int(0, 5);
      if (style === 0) return `POS PURCHASE ${name} #${digits(r, r.int(3, 5))} ${city}`;
      if (style === 1) return `DEBIT CARD PURCHASE - ${name} ${city} CARD ${card}`;
      if (style === 2) return `CHECKCARD ${mmdd} ${name} ${city} ${digits(r, 23)}`.slice(0, 60);
      if (style === 3) return `${name} ${digits(r, 4)} ${city}`;
      if (style === 4) {
        return `PURCHASE AUTHORIZED ON ${mmdd.slice(0, 2)}/${mmdd.slice(2)} ${name} ${city} S${digits(r, 15)} CARD ${card}`;
      }
      return merchant.category === "Meals & Entertainment"
        ? `${r.pick(["SQ *", "TST* "])}${name} ${city}`
        : name;
    }
    case "bill": {
      const style = r.int(0, 3);
      if (style === 0) return `ACH DEBIT ${name} ${digits(r, 10)}`;
      if (style === 1) return `${name} ONLINE PMT ${digits(r, 6)}`;
      if (style === 2) return `RECURRING PAYMENT ${name}`;
      return `ELECTRONIC PAYMENT ${name} PPD ID: ${digits(r, 10)}`;
    }
    case "income":
      return r.pick([`ACH CREDIT ${name} ${digits(r, 8)}`, `${name} ${digits(r, 6)}`, `DEPOSIT ${name}`]);
    case "fee":
      return r.chance(0.5) ? name : `${name} ${mmdd}`;
    case "check":
      return r.pick([`CHECK ${digits(r, 4)}`, `CHECK #${digits(r, 4)}`, `CHK ${digits(r, 4)}`]);
    case "p2p": {
      const person = r.pick(PEOPLE);
      return r.pick([
        `ZELLE TO ${person} ${digits(r, 9)}`,
        `ZELLE PAYMENT TO ${person} CONF# ${digits(r, 6)}`,
        `VENMO *${person.split(" ")[0]}`,
      ]);
    }
  }
}

export function generateLabeledSet(seed = 20260101): LabeledRow[] {
  const r = seededRandom(seed);
  const categories = [...new Set(CATALOGUE.map((c) => c.category))];
  const merchants = [...CATALOGUE, ...restaurants(r.next, 60)];
  const rows: LabeledRow[] = [];
  for (let month = 0; month < MONTHS; month++) {
    const t = month / MONTHS;
    for (const merchant of merchants) {
      if ((merchant.from ?? 0) > t || (merchant.to ?? 1) <= t) continue;
      const count = Math.floor(merchant.perMonth * VOLUME + r.next());
      for (let i = 0; i < count; i++) {
        const date = new Date(START);
        date.setUTCMonth(month);
        date.setUTCDate(r.int(1, 28));
        const [lo, hi] = merchant.amount;
        const cents = Math.round((lo + r.next() * (hi - lo)) * 100);
        const category = r.chance(LABEL_NOISE) ? r.pick(categories) : merchant.category;
        rows.push({
          date: date.toISOString().slice(0, 10),
          description: describe(r, merchant, date),
          amountCents: merchant.style === "income" ? cents : -cents,
          category,
        });
      }
    }
  }
  return rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly LabeledRow[]): string {
  const lines = ["date,description,amount,category"];
  for (const row of rows) {
    const amount = (row.amountCents / 100).toFixed(2);
    lines.push([row.date, csvField(row.description), amount, csvField(row.category)].join(","));
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf("--seed");
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : undefined;
  const out = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--seed");
  const target = out ?? new URL("../../data/labeled-transactions.csv", import.meta.url).pathname;
  const rows = generateLabeledSet(seed);
  writeFileSync(target, toCsv(rows));
  console.log(
    `wrote ${rows.length} rows, ${new Set(rows.map((x) => x.category)).size} categories to ${target}`,
  );
}
