import { type BooksDb, seedDemo } from "@ledgerflow/books";

export interface DemoTenant {
  tenantId: string;
  companyId: string;
  /** The sign-in token when one was created (or fixed by LEDGERFLOW_DEMO_TOKEN); null when an earlier run made it. */
  token: string | null;
}

/** Seeds the demo tenant, company, transactions and rules once; later starts reuse them. */
export async function seedDemoTenant(db: BooksDb, token: string | undefined): Promise<DemoTenant> {
  const demo = await seedDemo(db, token === undefined ? {} : { token });
  return { tenantId: demo.tenantId, companyId: demo.companyId, token: demo.token ?? null };
}
