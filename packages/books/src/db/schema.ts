/**
 * The books database as Kysely sees it. One interface per table; column names are snake_case as in
 * SQL. Every row carries `tenant_id` so any query can (and must) be scoped to one tenant.
 *
 * Portable choices, so SQLite and PostgreSQL behave the same:
 * - ids are text (`co_…`, `txn_…`), generated in code, never auto-increment;
 * - times are epoch milliseconds in `bigint` (read back as numbers, see open.ts);
 * - calendar dates are ISO `YYYY-MM-DD` text (sorts correctly, no timezone drift);
 * - booleans are `integer` 0/1 (better-sqlite3 cannot bind JS booleans);
 * - JSON is text, parsed in the repositories.
 */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

export const ACCOUNT_TYPES = ["asset", "liability", "equity", "income", "expense"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const TRANSACTION_STATUSES = ["uncategorized", "categorized", "needs_review"] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export const CATEGORY_SOURCES = ["rule", "prior", "history", "llm", "manual"] as const;
export type CategorySource = (typeof CATEGORY_SOURCES)[number];

export const IMPORT_STATUSES = ["uploaded", "processing", "done", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Bytes as the drivers return them: better-sqlite3 and pg both give a Buffer. */
type Bytes = ColumnType<Buffer, Uint8Array, Uint8Array>;

export interface TenantsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiTokensTable {
  id: string;
  tenant_id: string;
  /** sha-256 of the whole token, hex; the plain token is shown once and never stored. */
  token_hash: string;
  /** The first characters of the token, to recognise it in a list. */
  prefix: string;
  name: string | null;
  created_at: number;
  last_used_at: number | null;
  /** 1: an operator's token, which may also use /api/admin/… (every tenant's jobs). Migration 0005. */
  operator: Generated<number>;
}

export interface CompaniesTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: number;
}

export interface AccountsTable {
  id: string;
  tenant_id: string;
  company_id: string;
  code: string;
  name: string;
  type: AccountType;
  /** 1 for the company's bank account: the other side of every imported transaction's entry. */
  is_bank: Generated<number>;
  created_at: number;
}

export interface TransactionsTable {
  id: string;
  tenant_id: string;
  company_id: string;
  import_id: string | null;
  date: string;
  description: string;
  payee: string | null;
  /** Signed: negative is money out of the bank account, positive is money in. */
  amount_cents: number;
  fingerprint: string;
  status: TransactionStatus;
  account_id: string | null;
  confidence: number | null;
  source: CategorySource | null;
  created_at: number;
  updated_at: number;
}

export interface ImportsTable {
  id: string;
  tenant_id: string;
  company_id: string;
  filename: string;
  size_bytes: number;
  content: Bytes;
  /** JSON: options for the CSV parser (date order, column mapping) chosen at upload. */
  options: string | null;
  status: ImportStatus;
  created_at: number;
  updated_at: number;
}

export interface JournalEntriesTable {
  id: string;
  tenant_id: string;
  company_id: string;
  transaction_id: string | null;
  date: string;
  memo: string;
  /** Set on a reversing entry: the entry it cancels. */
  reverses_entry_id: string | null;
  /** Set on an entry once it has been reversed, with the reversing entry's id. */
  reversed_by_entry_id: string | null;
  reversed_at: number | null;
  created_at: number;
}

export interface JournalLinesTable {
  id: string;
  tenant_id: string;
  entry_id: string;
  line_no: number;
  account_id: string;
  debit_cents: number;
  credit_cents: number;
}

export interface RulesTable {
  id: string;
  tenant_id: string;
  company_id: string;
  name: string;
  /** JSON array of conditions, evaluated by the rules categorizer. */
  conditions: string;
  account_id: string;
  /** Lower runs first. */
  priority: number;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface CategorizerCacheTable {
  /** The LLM categorizer's cache scope: tenant plus a fingerprint of the accounts it was offered. */
  scope: string;
  /** Normalised payee, so "AMAZON MKTPL*123" and "Amazon Mktpl*456" share an answer. */
  payee_key: string;
  tenant_id: string;
  account_id: string;
  confidence: number;
  reason: string | null;
  updated_at: number;
}

/** A mapping confirmed in the import's mapping step, per company and file shape. */
export interface ImportMappingsTable {
  tenant_id: string;
  company_id: string;
  fingerprint: string;
  /** JSON of the ColumnMappingInput (column indexes by role). */
  mapping: string;
  created_at: number;
  updated_at: number;
}

export interface Database {
  tenants: TenantsTable;
  api_tokens: ApiTokensTable;
  companies: CompaniesTable;
  accounts: AccountsTable;
  transactions: TransactionsTable;
  imports: ImportsTable;
  journal_entries: JournalEntriesTable;
  journal_lines: JournalLinesTable;
  rules: RulesTable;
  categorizer_cache: CategorizerCacheTable;
  import_mappings: ImportMappingsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type Company = Selectable<CompaniesTable>;
export type Account = Selectable<AccountsTable>;
export type Transaction = Selectable<TransactionsTable>;
export type NewTransactionRow = Insertable<TransactionsTable>;
export type ImportRow = Selectable<ImportsTable>;
export type JournalEntryRow = Selectable<JournalEntriesTable>;
export type JournalLineRow = Selectable<JournalLinesTable>;
export type RuleRow = Selectable<RulesTable>;
