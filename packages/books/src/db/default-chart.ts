import type { AccountType } from "./schema.js";

export interface ChartAccount {
  code: string;
  name: string;
  type: AccountType;
  isBank?: boolean;
}

/**
 * The chart every new company starts with: a small-business chart whose expense accounts match what
 * bank feeds actually contain, so categorizers have sensible targets on day one. Users add more.
 */
export const DEFAULT_CHART: readonly ChartAccount[] = [
  { code: "1000", name: "Business Checking", type: "asset", isBank: true },
  { code: "1100", name: "Accounts Receivable", type: "asset" },
  { code: "2000", name: "Credit Card", type: "liability" },
  { code: "2100", name: "Accounts Payable", type: "liability" },
  { code: "2200", name: "Sales Tax Payable", type: "liability" },
  { code: "3000", name: "Owner's Equity", type: "equity" },
  { code: "3100", name: "Owner's Draw", type: "equity" },
  { code: "4000", name: "Sales Revenue", type: "income" },
  { code: "4100", name: "Interest Income", type: "income" },
  { code: "4900", name: "Other Income", type: "income" },
  { code: "5000", name: "Cost of Goods Sold", type: "expense" },
  { code: "6000", name: "Advertising & Marketing", type: "expense" },
  { code: "6100", name: "Bank Fees", type: "expense" },
  { code: "6200", name: "Meals & Entertainment", type: "expense" },
  { code: "6300", name: "Office Supplies", type: "expense" },
  { code: "6400", name: "Rent", type: "expense" },
  { code: "6500", name: "Software & Subscriptions", type: "expense" },
  { code: "6600", name: "Travel", type: "expense" },
  { code: "6700", name: "Utilities", type: "expense" },
  { code: "6800", name: "Payroll", type: "expense" },
  { code: "6900", name: "Professional Services", type: "expense" },
  { code: "6950", name: "Insurance", type: "expense" },
  { code: "6990", name: "Other Expenses", type: "expense" },
];
