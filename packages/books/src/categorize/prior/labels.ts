import { DEFAULT_CHART } from "../../db/default-chart.js";

/**
 * Category names that other tools and labeled sets use, mapped to the default chart's codes, so labeled
 * data in another taxonomy can train and evaluate the prior. Keys are lower-case. The chart's own names
 * and codes map to themselves. A category with no home in a small-business chart (loan principal) maps
 * to nothing: such rows are left out of training and always count as wrong in the evaluation.
 */
const SYNONYMS: Record<string, string> = {
  // packages/books/data/labeled-transactions.csv (generated, see eval/generate.ts)
  "ground transportation": "6600",
  fuel: "6600",
  airfare: "6600",
  lodging: "6600",
  "cloud hosting": "6500",
  contractors: "6900",
  "professional fees": "6900",
  "shipping & postage": "6300",
  "computer equipment": "6300",
  "internet & phone": "6700",
  "repairs & maintenance": "6990",
  "taxes & licenses": "6990",
  "dues & memberships": "6990",
  "training & education": "6990",
  "owner contributions": "3000",
  // Common personal-finance categories (Mint, YNAB, Monarch, Actual), as a business chart would book them
  restaurants: "6200",
  "fast food": "6200",
  "coffee shops": "6200",
  "food & dining": "6200",
  dining: "6200",
  "dining out": "6200",
  entertainment: "6200",
  "gas & fuel": "6600",
  gas: "6600",
  "auto & transport": "6600",
  transportation: "6600",
  "rental car & taxi": "6600",
  "ride share": "6600",
  parking: "6600",
  hotel: "6600",
  hotels: "6600",
  "air travel": "6600",
  flights: "6600",
  internet: "6700",
  "mobile phone": "6700",
  phone: "6700",
  television: "6700",
  "bills & utilities": "6700",
  "gas & electric": "6700",
  electric: "6700",
  water: "6700",
  subscriptions: "6500",
  software: "6500",
  "streaming services": "6500",
  "office expenses": "6300",
  shopping: "6300",
  electronics: "6300",
  shipping: "6300",
  postage: "6300",
  advertising: "6000",
  marketing: "6000",
  "bank fee": "6100",
  "fees & charges": "6100",
  "service fee": "6100",
  "atm fee": "6100",
  "finance charge": "6100",
  "rent & utilities": "6400",
  "mortgage & rent": "6400",
  "office rent": "6400",
  wages: "6800",
  salaries: "6800",
  legal: "6900",
  accounting: "6900",
  "professional services": "6900",
  "business services": "6900",
  "auto insurance": "6950",
  "health insurance": "6950",
  "life insurance": "6950",
  "credit card payment": "2000",
  interest: "4100",
  "interest income": "4100",
  dividends: "4100",
  paycheck: "4000",
  income: "4000",
  sales: "4000",
  revenue: "4000",
  refund: "4900",
  reimbursement: "4900",
  "returned purchase": "4900",
  taxes: "6990",
  "federal tax": "6990",
  "state tax": "6990",
  "home improvement": "6990",
  pharmacy: "6990",
  gym: "6990",
  charity: "6990",
  "gifts & donations": "6990",
};

const BY_NAME = new Map<string, string>();
for (const a of DEFAULT_CHART) {
  BY_NAME.set(a.name.toLowerCase(), a.code);
  BY_NAME.set(a.code, a.code);
}
for (const [name, code] of Object.entries(SYNONYMS)) BY_NAME.set(name, code);

/** The default-chart code a category name stands for, or null when it has none. */
export function defaultChartCode(category: string): string | null {
  return BY_NAME.get(category.trim().toLowerCase()) ?? null;
}

/** The default chart's account name for a code ("6200" → "Meals & Entertainment"). */
export function defaultChartName(code: string): string | undefined {
  return DEFAULT_CHART.find((a) => a.code === code)?.name;
}
