/**
 * A synthetic bank export for the benchmark: `rows` lines from a fixed set of merchants (store numbers
 * and cities vary, as in real card feeds), deterministic for a given seed so runs compare.
 */

const MERCHANTS: readonly { name: string; out: boolean; min: number; max: number }[] = [
  ...[
    "STARBUCKS",
    "BLUE BOTTLE COFFEE",
    "CHIPOTLE",
    "SWEETGREEN",
    "PANERA BREAD",
    "SHAKE SHACK",
    "DOORDASH",
    "GRUBHUB",
    "UBER",
    "LYFT",
    "DELTA AIR LINES",
    "UNITED AIRLINES",
    "MARRIOTT",
    "HILTON",
    "AIRBNB",
    "AMTRAK",
    "SHELL OIL",
    "CHEVRON",
    "STAPLES",
    "OFFICE DEPOT",
    "BEST BUY",
    "APPLE STORE",
    "COSTCO",
    "HOME DEPOT",
    "LOWES",
    "IKEA",
    "TARGET",
    "WALMART",
    "ADOBE",
    "FIGMA",
    "NOTION LABS",
    "ZOOM VIDEO",
    "DROPBOX",
    "ATLASSIAN",
    "HUBSPOT",
    "MAILCHIMP",
    "SHOPIFY",
    "SQUARESPACE",
    "GODADDY",
    "CLOUDFLARE",
    "DIGITALOCEAN",
    "HEROKU",
    "DATADOG",
    "SENTRY",
    "TWILIO",
    "SENDGRID",
    "OPENAI",
    "ANTHROPIC",
    "LINKEDIN ADS",
    "FACEBK ADS",
    "GOOGLE ADS",
    "TWITTER ADS",
    "FEDEX",
    "UPS STORE",
    "USPS",
    "DHL EXPRESS",
    "VERIZON",
    "AT&T",
    "T-MOBILE",
    "CON EDISON",
    "NATIONAL GRID",
    "WASTE MANAGEMENT",
    "STATE FARM",
    "GEICO",
    "HISCOX",
    "KRUSE & LEE CPA",
    "LEGALZOOM",
    "UPWORK",
    "FIVERR",
    "WEWORK",
    "REGUS",
    "INDEED",
    "GREENHOUSE",
    "GUSTO",
    "EXPENSIFY",
    "QUICKBOOKS",
    "AMAZON MKTPLACE",
    "AMAZON WEB SERVICES",
    "GITHUB",
    "SLACK",
    "GOOGLE GSUITE",
    "MICROSOFT 365",
    "SALESFORCE",
    "ZAPIER",
    "CANVA",
    "LOOM",
    "CALENDLY",
    "DOCUSIGN",
    "1PASSWORD",
    "INTUIT",
    "AVALARA",
    "STAMPS.COM",
    "ULINE",
    "GRAINGER",
  ].map((name) => ({ name, out: true, min: 300, max: 90_000 })),
  ...[
    "STRIPE TRANSFER",
    "SHOPIFY PAYOUT",
    "PAYPAL TRANSFER",
    "SQUARE INC DEPOSIT",
    "CLIENT PMT ACME CORP",
    "CLIENT PMT GLOBEX",
  ].map((name) => ({ name, out: false, min: 50_000, max: 1_500_000 })),
];
const CITIES = ["NEW YORK NY", "SAN FRANCISCO CA", "AUSTIN TX", "SEATTLE WA", "CHICAGO IL", "BOSTON MA"];

/** Mulberry32: a tiny seeded PRNG, so the file is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MERCHANT_COUNT = MERCHANTS.length;

/** 0 → "ba", 1 → "bb", …: letters only, because payee keys drop tokens with digits. */
function letters(n: number): string {
  let out = "";
  let rest = n;
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `b${out}`;
}

/** `uniquePayees`: every row a different vendor, the LLM's worst case (no answer can be reused). */
export function generateBankCsv(rows: number, seed = 42, options: { uniquePayees?: boolean } = {}): Buffer {
  const rnd = random(seed);
  const lines = ["Date,Description,Amount"];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < rows; i++) {
    const m = MERCHANTS[Math.floor(rnd() * MERCHANTS.length)] ?? MERCHANTS[0]!;
    const date = new Date(start + Math.floor(rnd() * 365) * 86_400_000);
    const mmddyyyy = `${String(date.getUTCMonth() + 1).padStart(2, "0")}/${String(date.getUTCDate()).padStart(2, "0")}/${date.getUTCFullYear()}`;
    const cents = m.min + Math.floor(rnd() * (m.max - m.min));
    const amount = `${m.out ? "-" : ""}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
    const store = String(Math.floor(rnd() * 9000) + 1000);
    const city = CITIES[Math.floor(rnd() * CITIES.length)] ?? "";
    const name = options.uniquePayees ? `VENDOR ${letters(i).toUpperCase()}` : m.name;
    const description = m.out ? `${name} #${store} ${city}` : `${name} ${store}`;
    lines.push(`${mmddyyyy},"${description}",${amount}`);
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8");
}
