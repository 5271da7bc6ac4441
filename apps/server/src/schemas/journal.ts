import { z } from "@hono/zod-openapi";
import { Id, PageQuery } from "./common.js";

export const JournalLineSchema = z
  .object({ account_id: z.string(), debit_cents: z.number().int(), credit_cents: z.number().int() })
  .openapi("JournalLine");

export const JournalEntrySchema = z
  .object({
    id: z.string(),
    company_id: z.string(),
    transaction_id: z.string().nullable(),
    date: z.string(),
    memo: z.string(),
    reverses_entry_id: z.string().nullable(),
    reversed_by_entry_id: z.string().nullable(),
    lines: z.array(JournalLineSchema),
    created_at: z.string(),
  })
  .openapi("JournalEntry");

export const JournalListQuerySchema = z.object({
  company_id: Id.openapi({ example: "co_demo" }),
  transaction_id: Id.optional(),
  ...PageQuery,
});

export const JournalListSchema = z
  .object({ entries: z.array(JournalEntrySchema), next_cursor: z.string().nullable() })
  .openapi("JournalEntryList");

export const TrialBalanceRowSchema = z
  .object({
    account_id: z.string(),
    code: z.string(),
    name: z.string(),
    type: z.string(),
    debit_cents: z.number().int(),
    credit_cents: z.number().int(),
    /** Debits minus credits: positive is a debit balance. */
    balance_cents: z.number().int(),
  })
  .openapi("TrialBalanceRow");

export const TrialBalanceSchema = z
  .object({
    company_id: z.string(),
    rows: z.array(TrialBalanceRowSchema),
    total_debit_cents: z.number().int(),
    total_credit_cents: z.number().int(),
    balanced: z.boolean(),
  })
  .openapi("TrialBalance");

export const ExportQuerySchema = z.object({
  format: z.enum(["csv", "beancount"]).default("csv").openapi({ example: "csv" }),
});

export type JournalEntry = z.infer<typeof JournalEntrySchema>;
export type JournalList = z.infer<typeof JournalListSchema>;
export type TrialBalance = z.infer<typeof TrialBalanceSchema>;
