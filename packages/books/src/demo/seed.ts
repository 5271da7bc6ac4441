import { readFileSync } from "node:fs";
import { fingerprintRows, parseBankCsv } from "../csv/index.js";
import { listAccounts } from "../db/accounts.js";
import { createCompany } from "../db/companies.js";
import { inTransaction } from "../db/in-transaction.js";
import type { BooksDb } from "../db/open.js";
import { createRule } from "../db/rules.js";
import { createTenant, getTenant } from "../db/tenants.js";
import { createApiToken, findTokenByValue } from "../db/tokens.js";
import { insertTransactions } from "../db/transactions.js";
import { DEMO_RULES } from "./rules.js";

/** Fixed ids so a second run finds what the first created instead of creating it again. */
export const DEMO_TENANT_ID = "ten_demo";
export const DEMO_COMPANY_ID = "co_demo";
export const DEMO_COMPANY_NAME = "Demo Coffee Roasters LLC";

export interface DemoSeed {
  tenantId: string;
  companyId: string;
  /** The plain token when this run created one; null when it already existed (it is never stored). */
  token: string | null;
  /** Transactions inserted by this run (0 on a second run). */
  inserted: number;
}

/**
 * Creates the demo tenant with a sign-in token, a company with the default chart, a few rules and the
 * uncategorized transactions of the sample bank export (src/demo/sample.csv) — so the Categorize
 * button has work to do. Idempotent: a second run changes nothing. Pass `token` (lf_…) to fix the
 * token, e.g. from LEDGERFLOW_DEMO_TOKEN; otherwise one is generated on the first run only.
 */
export async function seedDemo(db: BooksDb, options: { token?: string } = {}): Promise<DemoSeed> {
  // Several processes may start on one fresh database at once (N API servers): the loser of a race
  // on the tenant or token row sees a unique violation, and a second pass finds the winner's rows.
  for (let attempt = 1; ; attempt++) {
    try {
      return await seedOnce(db, options);
    } catch (error) {
      if (attempt >= 5 || !isUniqueViolation(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** PostgreSQL's unique_violation (23505) or SQLite's unique/primary-key constraint. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

async function seedOnce(db: BooksDb, options: { token?: string }): Promise<DemoSeed> {
  let token: string | null = null;
  const existing = await getTenant(db, DEMO_TENANT_ID);
  if (!existing) {
    // One transaction: a racing seeder sees the tenant only with its company, rules and token, and
    // its own insert of the tenant waits for ours, fails as a unique violation and retries.
    token = await inTransaction(db, async (trx) => {
      await createTenant(trx, { id: DEMO_TENANT_ID, name: "Demo" });
      await createCompany(trx, DEMO_TENANT_ID, { id: DEMO_COMPANY_ID, name: DEMO_COMPANY_NAME });
      const accounts = await listAccounts(trx, DEMO_TENANT_ID, DEMO_COMPANY_ID);
      for (const rule of DEMO_RULES) {
        const account = accounts.find((a) => a.code === rule.accountCode);
        if (!account) continue;
        await createRule(trx, DEMO_TENANT_ID, {
          companyId: DEMO_COMPANY_ID,
          name: rule.name,
          conditions: [{ field: "description", op: "contains", value: rule.contains }],
          accountId: account.id,
        });
      }
      return (
        await createApiToken(trx, DEMO_TENANT_ID, {
          name: "demo",
          ...(options.token ? { token: options.token } : {}),
        })
      ).token;
    });
  } else if (options.token && !(await findTokenByValue(db, options.token))) {
    // A token given on a later start (say, LEDGERFLOW_DEMO_TOKEN was set since) is honoured too.
    token = (await createApiToken(db, DEMO_TENANT_ID, { name: "demo", token: options.token })).token;
  }
  const sample = readFileSync(new URL("./sample.csv", import.meta.url));
  const { rows } = await parseBankCsv(sample);
  const fingerprints = fingerprintRows(rows);
  const { inserted } = await insertTransactions(db, DEMO_TENANT_ID, {
    companyId: DEMO_COMPANY_ID,
    rows: rows.map((r, i) => ({
      date: r.date,
      description: r.description,
      payee: r.payee || null,
      amountCents: r.amountCents,
      fingerprint: fingerprints[i] ?? "",
    })),
  });
  return { tenantId: DEMO_TENANT_ID, companyId: DEMO_COMPANY_ID, token, inserted };
}
