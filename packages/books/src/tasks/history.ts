import { createHistoryModel, type HistoryModel } from "../categorize/history/model.js";
import type { BooksDb } from "../db/open.js";

/**
 * Trains the history categorizer on the company's categorized transactions (not those the built-in
 * prior categorized unconfirmed), oldest first — manual
 * re-categorizations included, which is how a correction teaches it. Rebuilt per job: a few thousand
 * examples train in milliseconds, and the database stays the one source of truth.
 */
export async function loadHistoryModel(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  options: { maxExamples?: number } = {},
): Promise<HistoryModel> {
  const rows = await db
    .selectFrom("transactions")
    .select(["id", "date", "description", "payee", "amount_cents", "account_id"])
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .where("status", "=", "categorized")
    .where("account_id", "is not", null)
    // The prior's own guesses are not the company's evidence: learning them would make the history
    // echo the prior and claim a confidence nobody confirmed. Accepting one makes it `manual`.
    .where((eb) => eb.or([eb("source", "is", null), eb("source", "!=", "prior")]))
    .orderBy("date", "desc")
    .orderBy("id", "desc")
    .limit(options.maxExamples ?? 20_000)
    .execute();
  const model = createHistoryModel();
  model.train(
    rows.reverse().map((r) => ({
      txn: {
        id: r.id,
        date: r.date,
        description: r.description,
        payee: r.payee,
        amountCents: r.amount_cents,
      },
      accountId: r.account_id ?? "",
    })),
  );
  return model;
}
