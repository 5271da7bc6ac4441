/** Small builders shared by the books tests: a tenant with a company and its default chart. */
import { listAccounts } from "../src/db/accounts.js";
import { createCompany } from "../src/db/companies.js";
import type { BooksDb } from "../src/db/open.js";
import { createTenant } from "../src/db/tenants.js";

export async function seedCompany(db: BooksDb, name = "Acme") {
  const tenant = await createTenant(db, { name: `${name} tenant` });
  const company = await createCompany(db, tenant.id, { name });
  const accounts = await listAccounts(db, tenant.id, company.id);
  const byCode = (code: string) => {
    const a = accounts.find((x) => x.code === code);
    if (!a) throw new Error(`no account ${code}`);
    return a;
  };
  return { tenantId: tenant.id, companyId: company.id, accounts, byCode, bank: byCode("1000") };
}
