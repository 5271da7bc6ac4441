import { z } from "@hono/zod-openapi";
import { Id, PageQuery } from "./common.js";

export const TRANSACTION_STATUSES = ["uncategorized", "categorized", "needs_review"] as const;

export const TransactionSchema = z
  .object({
    id: z.string(),
    company_id: z.string(),
    import_id: z.string().nullable(),
    date: z.string().openapi({ example: "2026-03-01" }),
    description: z.string(),
    payee: z.string().nullable(),
    /** Integer minor units; negative is money out of the bank account. */
    amount_cents: z.number().int().openapi({ example: -1722 }),
    status: z.enum(TRANSACTION_STATUSES),
    account_id: z.string().nullable(),
    confidence: z.number().nullable(),
    source: z.enum(["rule", "prior", "history", "llm", "manual"]).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Transaction");

export const TransactionListQuerySchema = z.object({
  company_id: Id.optional(),
  status: z
    .string()
    .optional()
    .refine(
      (v) =>
        v === undefined || v.split(",").every((s) => (TRANSACTION_STATUSES as readonly string[]).includes(s)),
      { message: `each status must be one of ${TRANSACTION_STATUSES.join(", ")}` },
    )
    .openapi({ example: "needs_review" }),
  import_id: Id.optional(),
  ...PageQuery,
});

export const TransactionListSchema = z
  .object({ transactions: z.array(TransactionSchema), next_cursor: z.string().nullable() })
  .openapi("TransactionList");

export const RecategorizeSchema = z
  .object({ account_id: Id.openapi({ example: "acc_4kq9…" }) })
  .openapi("Recategorize");

export type Transaction = z.infer<typeof TransactionSchema>;
export type TransactionList = z.infer<typeof TransactionListSchema>;
export type Recategorize = z.infer<typeof RecategorizeSchema>;
