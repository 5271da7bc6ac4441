// The API's wire shapes (apps/server/src/schemas): snake_case, money in integer cents, ISO times.
export type { WireJob } from "@ledgerflow/jobs-react";

export interface Company {
  id: string;
  name: string;
  created_at: string;
}

export type AccountType = "asset" | "liability" | "equity" | "income" | "expense";

export interface Account {
  id: string;
  company_id: string;
  code: string;
  name: string;
  type: AccountType;
  is_bank: boolean;
}

export type TransactionStatus = "uncategorized" | "categorized" | "needs_review";

export interface Transaction {
  id: string;
  company_id: string;
  import_id: string | null;
  date: string;
  description: string;
  payee: string | null;
  /** Negative is money out of the bank account. */
  amount_cents: number;
  status: TransactionStatus;
  account_id: string | null;
  confidence: number | null;
  source: "rule" | "prior" | "history" | "llm" | "manual" | null;
  created_at: string;
  updated_at: string;
}

export type RuleCondition =
  | { field: "description" | "payee"; op: "contains" | "equals" | "starts_with" | "regex"; value: string }
  | { field: "amount"; min?: number; max?: number }
  | { field: "direction"; value: "in" | "out" };

export interface Rule {
  id: string;
  company_id: string;
  name: string;
  priority: number;
  conditions: RuleCondition[];
  account_id: string;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface RuleInput {
  name: string;
  conditions: RuleCondition[];
  account_id: string;
  enabled?: boolean;
}

export interface JournalLine {
  account_id: string;
  debit_cents: number;
  credit_cents: number;
}

export interface JournalEntry {
  id: string;
  company_id: string;
  transaction_id: string | null;
  date: string;
  memo: string;
  reverses_entry_id: string | null;
  reversed_by_entry_id: string | null;
  lines: JournalLine[];
  created_at: string;
}

export interface TrialBalanceRow {
  account_id: string;
  code: string;
  name: string;
  type: string;
  debit_cents: number;
  credit_cents: number;
  balance_cents: number;
}

export interface TrialBalance {
  company_id: string;
  rows: TrialBalanceRow[];
  total_debit_cents: number;
  total_credit_cents: number;
  balanced: boolean;
}

export interface JobAccepted {
  job_id: string;
  status: string;
  import_id?: string;
}
