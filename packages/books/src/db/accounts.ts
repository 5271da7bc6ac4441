import { requireCompany } from "./companies.js";
import { BooksError, notFound } from "./errors.js";
import { newId } from "./ids.js";
import type { BooksDb } from "./open.js";
import { ACCOUNT_TYPES, type Account as AccountRow, type AccountType } from "./schema.js";

export interface Account {
  id: string;
  companyId: string;
  code: string;
  name: string;
  type: AccountType;
  /** The company's bank account: the other side of every imported transaction's entry. */
  isBank: boolean;
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    companyId: row.company_id,
    code: row.code,
    name: row.name,
    type: row.type,
    isBank: row.is_bank === 1,
  };
}

/** The company's chart of accounts ordered by code; empty for another tenant's company. */
export async function listAccounts(db: BooksDb, tenantId: string, companyId: string): Promise<Account[]> {
  const rows = await db
    .selectFrom("accounts")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .orderBy("code")
    .execute();
  return rows.map(toAccount);
}

export async function getAccount(db: BooksDb, tenantId: string, accountId: string): Promise<Account | null> {
  const row = await db
    .selectFrom("accounts")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row ? toAccount(row) : null;
}

/** Throws not_found, naming the first missing id, unless every account exists in the tenant's company. */
export async function requireAccountsOfCompany(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  accountIds: Iterable<string>,
): Promise<void> {
  const wanted = [...new Set(accountIds)];
  const found = await db
    .selectFrom("accounts")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .where("id", "in", wanted)
    .execute();
  if (found.length !== wanted.length) {
    const known = new Set(found.map((a) => a.id));
    throw notFound("account", wanted.find((id) => !known.has(id)) ?? "?");
  }
}

export async function getBankAccount(db: BooksDb, tenantId: string, companyId: string): Promise<Account> {
  const row = await db
    .selectFrom("accounts")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .where("is_bank", "=", 1)
    .orderBy("code")
    .executeTakeFirst();
  if (!row) {
    throw new BooksError(
      "invalid",
      `company ${companyId} has no bank account; create one with type "asset" and isBank true`,
    );
  }
  return toAccount(row);
}

export async function createAccount(
  db: BooksDb,
  tenantId: string,
  input: { companyId: string; code: string; name: string; type: AccountType; isBank?: boolean },
): Promise<Account> {
  if (!ACCOUNT_TYPES.includes(input.type)) {
    throw new BooksError("invalid", `account type must be one of ${ACCOUNT_TYPES.join(", ")}`);
  }
  await requireCompany(db, tenantId, input.companyId);
  const clash = await db
    .selectFrom("accounts")
    .select("id")
    .where("company_id", "=", input.companyId)
    .where("code", "=", input.code)
    .executeTakeFirst();
  if (clash) throw new BooksError("conflict", `account code ${input.code} is already used in this company`);
  const row: AccountRow = {
    id: newId("acc"),
    tenant_id: tenantId,
    company_id: input.companyId,
    code: input.code,
    name: input.name,
    type: input.type,
    is_bank: input.isBank ? 1 : 0,
    created_at: Date.now(),
  };
  await db.insertInto("accounts").values(row).execute();
  return toAccount(row);
}
