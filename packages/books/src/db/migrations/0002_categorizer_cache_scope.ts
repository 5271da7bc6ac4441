/**
 * 0002 — the LLM answer cache is keyed by the categorizer's own scope (tenant plus a fingerprint of
 * the chart of accounts offered), not by company: the categorizer is shared by every company of a
 * process and only knows the scope. The cache holds nothing that cannot be asked again, so the old
 * table is dropped rather than converted.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("categorizer_cache").execute();
  await db.schema
    .createTable("categorizer_cache")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("payee_key", "text", (c) => c.notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("confidence", "double precision", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("categorizer_cache_pk", ["scope", "payee_key"])
    .execute();
  await db.schema
    .createIndex("categorizer_cache_tenant")
    .on("categorizer_cache")
    .column("tenant_id")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("categorizer_cache").execute();
}
