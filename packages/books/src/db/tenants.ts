import { newId } from "./ids.js";
import type { BooksDb } from "./open.js";
import type { Tenant } from "./schema.js";

export async function createTenant(db: BooksDb, input: { name: string; id?: string }): Promise<Tenant> {
  const tenant: Tenant = { id: input.id ?? newId("ten"), name: input.name, created_at: Date.now() };
  await db.insertInto("tenants").values(tenant).execute();
  return tenant;
}

export async function getTenant(db: BooksDb, id: string): Promise<Tenant | null> {
  return (await db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}
