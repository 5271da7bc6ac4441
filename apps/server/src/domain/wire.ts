import type {
  Account,
  Company,
  JournalEntry,
  StoredRule,
  Transaction,
  TrialBalance,
} from "@ledgerflow/books";
import type { ScheduleInfo } from "@ledgerflow/jobs";
import type { Account as WireAccount, Company as WireCompany } from "../schemas/companies.js";
import type {
  JournalEntry as WireJournalEntry,
  TrialBalance as WireTrialBalance,
} from "../schemas/journal.js";
import type { Rule as WireRule } from "../schemas/rules.js";
import type { Schedule as WireSchedule } from "../schemas/schedules.js";
import type { Transaction as WireTransaction } from "../schemas/transactions.js";

/** The books package speaks camelCase with epoch-ms times; the API speaks the seed's snake_case with ISO times. */
const iso = (ms: number) => new Date(ms).toISOString();

export const companyToWire = (c: Company): WireCompany => ({
  id: c.id,
  name: c.name,
  created_at: iso(c.createdAt),
});

export const accountToWire = (a: Account): WireAccount => ({
  id: a.id,
  company_id: a.companyId,
  code: a.code,
  name: a.name,
  type: a.type,
  is_bank: a.isBank,
});

export const transactionToWire = (t: Transaction): WireTransaction => ({
  id: t.id,
  company_id: t.companyId,
  import_id: t.importId,
  date: t.date,
  description: t.description,
  payee: t.payee,
  amount_cents: t.amountCents,
  status: t.status,
  account_id: t.accountId,
  confidence: t.confidence,
  source: t.source,
  created_at: iso(t.createdAt),
  updated_at: iso(t.updatedAt),
});

export const ruleToWire = (r: StoredRule): WireRule => ({
  id: r.id,
  company_id: r.companyId,
  name: r.name,
  priority: r.priority,
  conditions: r.conditions as unknown as Array<Record<string, unknown>>,
  account_id: r.accountId,
  enabled: r.enabled,
  created_at: iso(r.createdAt),
  updated_at: iso(r.updatedAt),
});

export const journalEntryToWire = (e: JournalEntry): WireJournalEntry => ({
  id: e.id,
  company_id: e.companyId,
  transaction_id: e.transactionId,
  date: e.date,
  memo: e.memo,
  reverses_entry_id: e.reversesEntryId,
  reversed_by_entry_id: e.reversedByEntryId,
  lines: e.lines.map((l) => ({
    account_id: l.accountId,
    debit_cents: l.debitCents,
    credit_cents: l.creditCents,
  })),
  created_at: iso(e.createdAt),
});

export const trialBalanceToWire = (companyId: string, tb: TrialBalance): WireTrialBalance => ({
  company_id: companyId,
  rows: tb.rows.map((r) => ({
    account_id: r.accountId,
    code: r.code,
    name: r.name,
    type: r.type,
    debit_cents: r.debitCents,
    credit_cents: r.creditCents,
    balance_cents: r.balanceCents,
  })),
  total_debit_cents: tb.totalDebitCents,
  total_credit_cents: tb.totalCreditCents,
  balanced: tb.balanced,
});

/** A schedule stored without a time zone is read in UTC, and says so. */
export const scheduleToWire = (s: ScheduleInfo): WireSchedule => ({
  name: s.name,
  task: s.task,
  cron: s.cron,
  timezone: s.timezone ?? "UTC",
  input: s.input,
  paused: s.paused,
  last_fire_at: s.lastFireAt === null ? null : iso(s.lastFireAt),
  next_fire_at: s.nextFireAt === null ? null : iso(s.nextFireAt),
  created_at: iso(s.createdAt),
  updated_at: iso(s.updatedAt),
});
