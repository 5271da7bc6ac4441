import type { BooksDb } from "../db/open.js";
import type { AccountType } from "../db/schema.js";

export interface TrialBalanceRow {
  accountId: string;
  code: string;
  name: string;
  type: AccountType;
  debitCents: number;
  creditCents: number;
  /** Debits minus credits: positive is a debit balance (normal for assets and expenses). */
  balanceCents: number;
}

export interface TrialBalance {
  rows: TrialBalanceRow[];
  totalDebitCents: number;
  totalCreditCents: number;
  /** Always true for entries written through postEntry; false means the books were tampered with. */
  balanced: boolean;
}

/**
 * Sums every line — reversed entries and their reversals included, as they net to zero — per account
 * of the company, optionally up to and including `asOf` (YYYY-MM-DD). Accounts without lines are
 * listed with zeros so the report shows the whole chart.
 */
export async function trialBalance(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  options: { asOf?: string } = {},
): Promise<TrialBalance> {
  let sums = db
    .selectFrom("journal_lines as l")
    .innerJoin("journal_entries as e", "e.id", "l.entry_id")
    .select((eb) => [
      "l.account_id",
      eb.fn.sum<number>("l.debit_cents").as("debit"),
      eb.fn.sum<number>("l.credit_cents").as("credit"),
    ])
    .where("e.tenant_id", "=", tenantId)
    .where("e.company_id", "=", companyId)
    .groupBy("l.account_id");
  if (options.asOf) sums = sums.where("e.date", "<=", options.asOf);
  const totals = new Map((await sums.execute()).map((r) => [r.account_id, r]));
  const accounts = await db
    .selectFrom("accounts")
    .select(["id", "code", "name", "type"])
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .orderBy("code")
    .execute();
  const rows = accounts.map((a) => {
    const t = totals.get(a.id);
    // sum() of bigint is numeric on PostgreSQL (a string); Number() is exact within the safe range.
    const debitCents = Number(t?.debit ?? 0);
    const creditCents = Number(t?.credit ?? 0);
    return {
      accountId: a.id,
      code: a.code,
      name: a.name,
      type: a.type,
      debitCents,
      creditCents,
      balanceCents: debitCents - creditCents,
    };
  });
  const totalDebitCents = rows.reduce((s, r) => s + r.debitCents, 0);
  const totalCreditCents = rows.reduce((s, r) => s + r.creditCents, 0);
  return { rows, totalDebitCents, totalCreditCents, balanced: totalDebitCents === totalCreditCents };
}
