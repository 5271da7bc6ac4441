import { DEFAULT_CHART } from "./default-chart.js";
import { notFound } from "./errors.js";
import { newId } from "./ids.js";
import { inTransaction } from "./in-transaction.js";
import type { BooksDb } from "./open.js";
import type { Company as CompanyRow } from "./schema.js";

export interface Company {
  id: string;
  name: string;
  createdAt: number;
}

function toCompany(row: CompanyRow): Company {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

export async function listCompanies(db: BooksDb, tenantId: string): Promise<Company[]> {
  const rows = await db
    .selectFrom("companies")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(toCompany);
}

/** The company, or null when it does not exist or belongs to another tenant. */
export async function getCompany(db: BooksDb, tenantId: string, companyId: string): Promise<Company | null> {
  const row = await db
    .selectFrom("companies")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", companyId)
    .executeTakeFirst();
  return row ? toCompany(row) : null;
}

/** Throws not_found unless the company exists and belongs to the tenant: a guard before writing rows under it. */
export async function requireCompany(db: BooksDb, tenantId: string, companyId: string): Promise<void> {
  const company = await db
    .selectFrom("companies")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("id", "=", companyId)
    .executeTakeFirst();
  if (!company) throw notFound("company", companyId);
}

/** Creates a company with the default chart of accounts (including its bank account), atomically. */
export async function createCompany(
  db: BooksDb,
  tenantId: string,
  input: { name: string; id?: string },
): Promise<Company> {
  const now = Date.now();
  const row: CompanyRow = {
    id: input.id ?? newId("co"),
    tenant_id: tenantId,
    name: input.name,
    created_at: now,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto("companies").values(row).execute();
    await trx
      .insertInto("accounts")
      .values(
        DEFAULT_CHART.map((a) => ({
          id: newId("acc"),
          tenant_id: tenantId,
          company_id: row.id,
          code: a.code,
          name: a.name,
          type: a.type,
          is_bank: a.isBank ? 1 : 0,
          created_at: now,
        })),
      )
      .execute();
  });
  return toCompany(row);
}
