/**
 * 0003 — column mappings a person confirmed in the import's mapping step, remembered per company
 * and file shape (the header's fingerprint), so the next export from the same bank imports with
 * no question. The mapping is JSON text (column indexes by role), parsed in db/import-mappings.ts.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("import_mappings")
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("mapping", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("import_mappings_pk", ["company_id", "fingerprint"])
    .execute();
  await db.schema.createIndex("import_mappings_tenant").on("import_mappings").column("tenant_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("import_mappings").execute();
}
