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

/** Column indexes by role in an import preview (null: the role is not used). */
export interface PreviewMapping {
  date: number;
  description: number | null;
  payee: number | null;
  amount: number | null;
  debit: number | null;
  credit: number | null;
  marker: number | null;
  balance: number | null;
}

/** The upload's answer when the server is not sure which column is which: no job yet. */
export interface ImportPreview {
  status: "needs_mapping";
  filename: string;
  fingerprint: string;
  confidence: number;
  reasons: string[];
  label: string;
  headers: string[];
  columns: Array<{ index: number; name: string; samples: string[] }>;
  rows: Array<{ line: number; cells: string[] }>;
  mapping: PreviewMapping;
  alternatives: Array<{ label: string; mapping: PreviewMapping }>;
}

/** What a person chose in the mapping step, as the upload's `mapping` field takes it. */
export interface MappingChoice {
  date: number;
  description?: number;
  amount?: number;
  debit?: number;
  credit?: number;
  marker?: number;
}
