import {
  type BooksDb,
  createApiToken,
  createCompany,
  createTenant,
  getCompany,
  getTenant,
  verifyApiToken,
} from "@ledgerflow/books";

export const DEMO_TENANT_ID = "ten_demo";
export const DEMO_COMPANY_ID = "co_demo";

export interface DemoTenant {
  tenantId: string;
  companyId: string;
  /** A token to sign in with: LEDGERFLOW_DEMO_TOKEN when set, else a new one made for this start. */
  token: string;
}

/**
 * Makes sure the demo tenant and company exist, and returns a sign-in token. Without a fixed token a
 * new one is made on every start (only hashes are stored, so an earlier one cannot be shown again;
 * the earlier ones keep working).
 */
export async function seedDemoTenant(db: BooksDb, token: string | undefined): Promise<DemoTenant> {
  if (!(await getTenant(db, DEMO_TENANT_ID))) await createTenant(db, { id: DEMO_TENANT_ID, name: "Demo" });
  if (!(await getCompany(db, DEMO_TENANT_ID, DEMO_COMPANY_ID))) {
    await createCompany(db, DEMO_TENANT_ID, { id: DEMO_COMPANY_ID, name: "Demo Company" });
  }
  if (token && (await verifyApiToken(db, token)))
    return { tenantId: DEMO_TENANT_ID, companyId: DEMO_COMPANY_ID, token };
  const created = await createApiToken(db, DEMO_TENANT_ID, { name: "demo", ...(token ? { token } : {}) });
  return { tenantId: DEMO_TENANT_ID, companyId: DEMO_COMPANY_ID, token: created.token };
}
