/**
 * 0005 — an API token may be an operator's: besides its own tenant's routes it may use /api/admin/…
 * (every tenant's jobs, bulk actions, pausing a task). A flag on the token, not on the tenant, so an
 * operator credential can be revoked or handed out without touching the tenant's other tokens.
 * Integer 0/1 on both databases, like `accounts.is_bank`; existing tokens stay non-operators.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("api_tokens")
    .addColumn("operator", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_tokens").dropColumn("operator").execute();
}
