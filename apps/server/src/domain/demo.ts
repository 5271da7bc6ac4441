import { type BooksDb, createApiToken, seedDemo } from "@ledgerflow/books";

export interface DemoTenant {
  tenantId: string;
  companyId: string;
  /** A token to sign in with: LEDGERFLOW_DEMO_TOKEN when set, else the seed's, else one made for this start. */
  token: string;
}

/**
 * Seeds the demo tenant, company, rules and sample transactions (once; later starts reuse them) and
 * returns a sign-in token to print. Only token hashes are stored, so without a fixed token a later
 * start cannot show the first one again: it makes a new one (the earlier ones keep working).
 */
export async function seedDemoTenant(db: BooksDb, token: string | undefined): Promise<DemoTenant> {
  const demo = await seedDemo(db, token === undefined ? {} : { token });
  const signIn = demo.token ?? token ?? (await createApiToken(db, demo.tenantId, { name: "demo" })).token;
  return { tenantId: demo.tenantId, companyId: demo.companyId, token: signIn };
}
