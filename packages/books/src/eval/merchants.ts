/**
 * The catalogue behind the generated labeled set: who a small company pays and is paid by, how banks
 * spell them, what they cost, how often, and when they appear or are renamed. Ambiguity is deliberate:
 * the same merchant under two accounts told apart only by amount (Amazon, Costco, Expedia), bare cheques,
 * person-to-person payments, and renames that happen after the training cut-off.
 */

export type Style = "card" | "bill" | "income" | "fee" | "check" | "p2p";

export interface Merchant {
  /** Spellings seen on statements; one is picked per transaction. */
  names: string[];
  category: string;
  /** Dollars, absolute; direction comes from the style (income is money in). */
  amount: [number, number];
  /** Expected transactions per month. */
  perMonth: number;
  style: Style;
  /** Active window as fractions of the timeline (0..1). */
  from?: number;
  to?: number;
}

const m = (
  category: string,
  style: Style,
  perMonth: number,
  amount: [number, number],
  names: string[],
  window: { from?: number; to?: number } = {},
): Merchant => ({ category, style, perMonth, amount, names, ...window });

export const CATALOGUE: Merchant[] = [
  m("Advertising & Marketing", "card", 1.5, [50, 900], ["GOOGLE *ADS", "GOOGLE ADS", "GOOGLE*ADS"]),
  m("Advertising & Marketing", "card", 1, [40, 600], ["FACEBK *ADS", "FACEBK ADS"], { to: 0.5 }),
  m("Advertising & Marketing", "card", 1, [40, 600], ["META ADS", "META PLATFORMS ADS"], { from: 0.5 }),
  m("Advertising & Marketing", "card", 0.4, [100, 700], ["LINKEDIN ADS", "LINKEDIN *ADS"]),
  m("Advertising & Marketing", "card", 0.4, [30, 300], ["TWITTER ADS"], { to: 0.8 }),
  m("Advertising & Marketing", "card", 0.4, [30, 300], ["X CORP ADS"], { from: 0.8 }),
  m("Advertising & Marketing", "card", 1, [13, 350], ["MAILCHIMP", "INTUIT *MAILCHIMP"]),
  m("Advertising & Marketing", "card", 0.3, [25, 400], ["VISTAPRINT", "VISTAPR*VISTAPRINT.COM"]),
  m(
    "Software & Subscriptions",
    "card",
    1,
    [55, 80],
    ["ADOBE *CREATIVE CLOUD", "ADOBE INC", "ADOBE *ACROPRO"],
  ),
  m("Software & Subscriptions", "card", 1, [21, 84], ["GITHUB INC", "GITHUB, INC."]),
  m("Software & Subscriptions", "card", 1, [40, 160], ["SLACK T0123", "SLACK TECHNOLOGIES"]),
  m("Software & Subscriptions", "card", 1, [15, 45], ["ZOOM.US", "ZOOM VIDEO COMM"]),
  m("Software & Subscriptions", "card", 1, [36, 72], ["GOOGLE *GSUITE", "GOOGLE *GSUITE ACME"], { to: 0.4 }),
  m("Software & Subscriptions", "card", 1, [42, 84], ["GOOGLE *WORKSPACE", "GOOGLE*WORKSPACE ACME"], {
    from: 0.4,
  }),
  m("Software & Subscriptions", "card", 0.6, [12, 30], ["DROPBOX", "DROPBOX*BUSINESS"]),
  m("Software & Subscriptions", "card", 0.7, [20, 140], ["ATLASSIAN", "ATLASSIAN JIRA"]),
  m("Software & Subscriptions", "card", 0.5, [10, 48], ["NOTION LABS", "NOTION.SO"], { from: 0.3 }),
  m("Software & Subscriptions", "card", 0.5, [15, 75], ["FIGMA", "FIGMA INC"], { from: 0.6 }),
  m("Cloud Hosting", "card", 1, [120, 2400], ["AMAZON WEB SERVICES", "AWS EMEA", "AMZN WEB SERVICES"]),
  m("Cloud Hosting", "card", 0.8, [10, 300], ["DIGITALOCEAN.COM", "DIGITALOCEAN"]),
  m("Cloud Hosting", "card", 0.5, [7, 250], ["HEROKU", "SALESFORCE*HEROKU"], { to: 0.6 }),
  m("Cloud Hosting", "card", 0.6, [20, 400], ["VERCEL INC", "VERCEL"], { from: 0.55 }),
  m("Cloud Hosting", "card", 0.5, [5, 200], ["CLOUDFLARE", "CLOUDFLARE INC"]),
  m("Office Supplies", "card", 1.5, [6, 90], ["AMAZON MKTPLACE PMTS", "AMZN MKTP US", "AMAZON.COM"]),
  m("Office Supplies", "card", 0.8, [8, 160], ["STAPLES", "STAPLES INC"]),
  m("Office Supplies", "card", 0.5, [8, 160], ["OFFICE DEPOT", "OFFICEMAX/DEPOT"]),
  m("Office Supplies", "card", 0.5, [40, 300], ["COSTCO WHSE", "COSTCO WHOLESALE"]),
  m("Computer Equipment", "card", 0.4, [300, 2500], ["AMAZON MKTPLACE PMTS", "AMZN MKTP US", "AMAZON.COM"]),
  m("Computer Equipment", "card", 0.3, [99, 3200], ["APPLE STORE", "APPLE.COM/US", "APPLE ONLINE STORE"]),
  m("Computer Equipment", "card", 0.3, [40, 1500], ["BEST BUY", "BESTBUY.COM"]),
  m("Computer Equipment", "card", 0.2, [600, 2800], ["DELL MARKETING", "DELL INC"]),
  m("Computer Equipment", "card", 0.1, [80, 1900], ["B&H PHOTO", "B & H PHOTO-VIDEO"]),
  m("Meals & Entertainment", "card", 1.2, [15, 90], ["UBER *EATS", "UBER EATS"]),
  m("Meals & Entertainment", "card", 1, [18, 120], ["DOORDASH", "DD *DOORDASH"]),
  m("Meals & Entertainment", "card", 0.5, [18, 110], ["GRUBHUB", "GRUBHUBFOOD"]),
  m("Meals & Entertainment", "card", 2, [4, 28], ["STARBUCKS", "STARBUCKS STORE"]),
  m("Meals & Entertainment", "card", 0.3, [150, 600], ["COSTCO WHSE", "COSTCO WHOLESALE"]),
  m("Airfare", "card", 0.4, [120, 900], ["UNITED AIRLINES", "UNITED 0162"]),
  m("Airfare", "card", 0.4, [90, 800], ["DELTA AIR LINES", "DELTA AIR"]),
  m("Airfare", "card", 0.3, [110, 850], ["AMERICAN AIRLINES", "AMERICAN AIR"]),
  m("Airfare", "card", 0.4, [60, 450], ["SOUTHWEST AIRLINES", "SOUTHWES"]),
  m("Airfare", "card", 0.2, [100, 700], ["EXPEDIA", "EXPEDIA INC"]),
  m("Lodging", "card", 0.3, [150, 900], ["MARRIOTT", "COURTYARD BY MARRIOTT"]),
  m("Lodging", "card", 0.3, [130, 800], ["HILTON HOTELS", "HAMPTON INN", "HILTON GARDEN INN"]),
  m("Lodging", "card", 0.2, [160, 950], ["HYATT HOTELS", "HYATT PLACE"]),
  m("Lodging", "card", 0.3, [120, 1200], ["AIRBNB", "AIRBNB * HMQ"]),
  m("Lodging", "card", 0.2, [200, 1100], ["EXPEDIA", "EXPEDIA INC"]),
  m("Ground Transportation", "card", 2.5, [9, 70], ["UBER *TRIP", "UBER TRIP", "UBER * TRIP HELP.UBER.COM"]),
  m("Ground Transportation", "card", 1, [9, 60], ["LYFT *RIDE", "LYFT RIDE"]),
  m("Ground Transportation", "card", 0.2, [90, 600], ["HERTZ RENT-A-CAR", "HERTZ"]),
  m("Ground Transportation", "card", 0.2, [80, 500], ["ENTERPRISE RENT-A-CAR", "ENTERPRISE RENT"]),
  m("Ground Transportation", "card", 0.8, [3, 45], ["PARKMOBILE", "SP+ PARKING", "LAZ PARKING"]),
  m("Fuel", "card", 0.9, [25, 95], ["SHELL OIL", "SHELL SERVICE STATION"]),
  m("Fuel", "card", 0.8, [25, 95], ["CHEVRON", "CHEVRON/"]),
  m("Fuel", "card", 0.5, [25, 95], ["EXXONMOBIL", "EXXON MOBIL"]),
  m("Fuel", "card", 0.4, [25, 90], ["BP", "BP#"]),
  m("Fuel", "card", 0.4, [20, 80], ["ARCO", "ARCO AMPM"]),
  m("Fuel", "card", 0.3, [20, 85], ["VALERO"]),
  m("Rent", "bill", 1, [4500, 4500], ["WESTSIDE PROPERTY MGMT", "WESTSIDE PROP MGMT"], { to: 0.65 }),
  m("Rent", "bill", 1, [5200, 5200], ["HARBORVIEW REALTY LLC", "HARBORVIEW REALTY"], { from: 0.65 }),
  m("Rent", "check", 0.15, [4500, 5200], []),
  m("Utilities", "bill", 1, [90, 420], ["PGANDE WEB ONLINE", "PG&E"]),
  m("Utilities", "bill", 0.4, [40, 130], ["CITY OF SEATTLE WATER", "SPU WATER UTIL"]),
  m("Utilities", "bill", 0.3, [60, 140], ["WASTE MANAGEMENT", "WM EZPAY"]),
  m("Internet & Phone", "bill", 1, [109, 179], ["COMCAST BUSINESS", "COMCAST CABLE"], { to: 0.75 }),
  m("Internet & Phone", "bill", 1, [99, 149], ["SPECTRUM BUSINESS", "CHARTER SPECTRUM"], { from: 0.75 }),
  m("Internet & Phone", "bill", 1, [80, 310], ["VERIZON WIRELESS", "VZWRLSS*APOCC"]),
  m("Internet & Phone", "card", 0.5, [30, 90], ["RINGCENTRAL", "RINGCENTRAL INC"]),
  m("Insurance", "bill", 0.6, [45, 180], ["HISCOX INC", "HISCOX"]),
  m("Insurance", "bill", 0.3, [200, 900], ["STATE FARM", "STATE FARM RO"]),
  m("Insurance", "bill", 0.3, [80, 400], ["NEXT INSURANCE", "NEXT INSUR"], { from: 0.5 }),
  m("Payroll", "bill", 2, [8000, 16000], ["GUSTO PAYROLL", "GUSTO NET PAY", "GUSTO"]),
  m("Taxes & Licenses", "bill", 1, [1500, 5000], ["GUSTO TAX", "GUSTO TAXES"]),
  m("Taxes & Licenses", "bill", 0.3, [500, 9000], ["IRS USATAXPYMT", "IRS TREAS 310"]),
  m("Taxes & Licenses", "bill", 0.15, [100, 1600], ["FRANCHISE TAX BD", "FTB PAYMENT"]),
  m("Taxes & Licenses", "card", 0.1, [50, 400], ["SECRETARY OF STATE", "SOS BUSINESS LICENSE"]),
  m("Contractors", "card", 1, [50, 2000], ["UPWORK", "UPWORK ESCROW"]),
  m("Contractors", "card", 0.4, [20, 600], ["FIVERR", "FIVERR INTERNATIONAL"]),
  m("Contractors", "p2p", 1.2, [150, 2500], []),
  m("Contractors", "check", 0.6, [300, 3500], []),
  m("Professional Fees", "bill", 0.5, [500, 4000], ["SMITH & JONES LLP", "SMITH JONES LLP"]),
  m("Professional Fees", "bill", 0.4, [300, 1500], ["BRIGHT CPA GROUP", "BRIGHT CPA"]),
  m("Professional Fees", "card", 0.1, [79, 400], ["LEGALZOOM", "LEGALZOOM.COM"]),
  m(
    "Bank Fees",
    "fee",
    1.2,
    [5, 45],
    [
      "MONTHLY SERVICE FEE",
      "WIRE TRANSFER FEE",
      "OVERDRAFT FEE",
      "FOREIGN TRANSACTION FEE",
      "STOP PAYMENT FEE",
    ],
  ),
  m("Shipping & Postage", "card", 1, [5, 80], ["USPS PO", "USPS.COM CLICKNSHIP", "USPS POSTAGE"]),
  m("Shipping & Postage", "card", 0.8, [10, 150], ["FEDEX", "FEDEX OFFICE", "FEDEX 7815"]),
  m("Shipping & Postage", "card", 0.6, [10, 140], ["THE UPS STORE", "UPS*UPS"]),
  m("Shipping & Postage", "card", 0.3, [15, 60], ["STAMPS.COM", "STAMPS COM"]),
  m("Repairs & Maintenance", "card", 0.6, [10, 400], ["THE HOME DEPOT", "HOME DEPOT", "HOMEDEPOT.COM"]),
  m("Repairs & Maintenance", "card", 0.4, [10, 350], ["LOWES", "LOWE'S"]),
  m("Repairs & Maintenance", "card", 0.2, [5, 120], ["ACE HARDWARE", "ACE HDWE"]),
  m("Repairs & Maintenance", "card", 0.2, [60, 300], ["TASKRABBIT", "TASKRABBIT INC"]),
  m("Training & Education", "card", 0.3, [12, 200], ["UDEMY", "UDEMY.COM"]),
  m("Training & Education", "card", 0.2, [39, 400], ["COURSERA", "COURSERA INC"]),
  m("Training & Education", "card", 0.1, [49, 499], ["OREILLY MEDIA", "O'REILLY MEDIA"]),
  m("Training & Education", "card", 0.2, [50, 900], ["EVENTBRITE", "EB *TECH CONF"]),
  m("Dues & Memberships", "card", 0.1, [120, 120], ["COSTCO *ANNUAL RENEWAL", "COSTCO MEMBERSHIP"]),
  m("Dues & Memberships", "card", 0.5, [15, 15], ["AMAZON PRIME", "AMAZON PRIME*2K4"]),
  m("Dues & Memberships", "card", 0.5, [40, 60], ["LINKEDIN PREMIUM", "LINKEDIN *PREMIUM"]),
  m("Dues & Memberships", "bill", 0.1, [250, 600], ["CHAMBER OF COMMERCE", "SF CHAMBER COMMERCE"]),
  m("Loan Payments", "bill", 1, [1320, 1320], ["SBA EIDL LOAN", "SBA LOAN PMT"]),
  m("Sales Revenue", "income", 4, [200, 9000], ["STRIPE TRANSFER", "STRIPE PAYOUT"]),
  m("Sales Revenue", "income", 1.5, [100, 4000], ["SHOPIFY PAYOUT", "SHOPIFY PAYMENTS"]),
  m("Sales Revenue", "income", 0.6, [1000, 15000], ["ACME CORP PAYMENT", "GLOBEX INVOICE PMT", "INITECH AP"]),
  m("Sales Revenue", "income", 0.4, [150, 3000], ["MOBILE DEPOSIT", "REMOTE DEPOSIT"]),
  m("Interest Income", "income", 1, [1, 40], ["INTEREST PAYMENT", "INTEREST EARNED", "INTEREST PAID"]),
  m(
    "Owner Contributions",
    "income",
    0.15,
    [2000, 20000],
    ["TRANSFER FROM SAVINGS", "ONLINE TRANSFER FROM CHK"],
  ),
];

/** Restaurants come and go: many payees seen a few times, which only the words can generalise from. */
const RESTAURANT_FIRST = [
  "MARIOS",
  "GOLDEN",
  "BLUE",
  "LUCKY",
  "SUNSET",
  "HARBOR",
  "OLD TOWN",
  "LITTLE",
  "BIG SUR",
  "NOB HILL",
  "MAPLE",
  "RED ROOSTER",
  "EL",
  "CASA",
  "PHO",
  "SAKURA",
  "BOMBAY",
  "URBAN",
  "CORNER",
  "BLACKBIRD",
];
const RESTAURANT_KIND = [
  "PIZZA",
  "CAFE",
  "GRILL",
  "TAQUERIA",
  "SUSHI",
  "BBQ",
  "BISTRO",
  "DELI",
  "KITCHEN",
  "RAMEN",
  "BURGERS",
  "TAVERN",
  "DINER",
  "COFFEE",
  "BAKERY",
  "THAI",
  "NOODLE HOUSE",
  "STEAKHOUSE",
];

export function restaurants(rand: () => number, count: number): Merchant[] {
  const out: Merchant[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const name = `${RESTAURANT_FIRST[Math.floor(rand() * RESTAURANT_FIRST.length)]} ${
      RESTAURANT_KIND[Math.floor(rand() * RESTAURANT_KIND.length)]
    }`;
    if (seen.has(name)) continue;
    seen.add(name);
    const from = rand() * 0.9;
    out.push(
      m("Meals & Entertainment", "card", 0.2 + rand() * 0.6, [8, 180], [name], {
        from,
        to: Math.min(1, from + 0.2 + rand() * 0.6),
      }),
    );
  }
  return out;
}
