/**
 * 0001 — the initial books schema. Append-only: never edit a migration once it is on main; add
 * 0002_… instead. Written once with Kysely's schema builder so SQLite and PostgreSQL get the same
 * tables, columns, constraints and index names (test/db.migrations.test.ts compares them).
 */
import { type Kysely, sql } from "kysely";
import { dialectOf } from "../open.js";

const STATUS_CHECK = sql`status in ('uncategorized', 'categorized', 'needs_review')`;
const SOURCE_CHECK = sql`source is null or source in ('rule', 'history', 'llm', 'manual')`;
const TYPE_CHECK = sql`type in ('asset', 'liability', 'equity', 'income', 'expense')`;
// One side of a line is positive and the other zero: a line never moves money both ways.
const ONE_SIDE_CHECK = sql`(debit_cents > 0 and credit_cents = 0) or (credit_cents > 0 and debit_cents = 0)`;

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  const bytes = dialectOf(db) === "postgres" ? "bytea" : "blob";

  await db.schema
    .createTable("tenants")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("token_hash", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .execute();
  await db.schema
    .createIndex("api_tokens_hash_unique")
    .unique()
    .on("api_tokens")
    .column("token_hash")
    .execute();

  await db.schema
    .createTable("companies")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("companies_tenant").on("companies").column("tenant_id").execute();

  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("is_bank", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addCheckConstraint("accounts_type_check", TYPE_CHECK)
    .execute();
  await db.schema
    .createIndex("accounts_company_code_unique")
    .unique()
    .on("accounts")
    .columns(["company_id", "code"])
    .execute();

  await db.schema
    .createTable("imports")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    // The file itself lives in the database so a worker on another machine can read it.
    .addColumn("content", bytes, (c) => c.notNull())
    .addColumn("options", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addCheckConstraint("imports_status_check", sql`status in ('uploaded', 'processing', 'done', 'failed')`)
    .execute();
  await db.schema.createIndex("imports_tenant").on("imports").column("tenant_id").execute();

  await db.schema
    .createTable("transactions")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
    .addColumn("import_id", "text", (c) => c.references("imports.id"))
    .addColumn("date", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("payee", "text")
    .addColumn("amount_cents", "bigint", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.references("accounts.id"))
    .addColumn("confidence", "double precision")
    .addColumn("source", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addCheckConstraint("transactions_status_check", STATUS_CHECK)
    .addCheckConstraint("transactions_source_check", SOURCE_CHECK)
    .execute();
  // Re-importing a file skips rows already there: the fingerprint is unique per company.
  await db.schema
    .createIndex("transactions_company_fingerprint_unique")
    .unique()
    .on("transactions")
    .columns(["company_id", "fingerprint"])
    .execute();
  await db.schema
    .createIndex("transactions_company_status_date")
    .on("transactions")
    .columns(["company_id", "status", "date"])
    .execute();
  await db.schema.createIndex("transactions_import").on("transactions").column("import_id").execute();

  await db.schema
    .createTable("journal_entries")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
    .addColumn("transaction_id", "text", (c) => c.references("transactions.id"))
    .addColumn("date", "text", (c) => c.notNull())
    .addColumn("memo", "text", (c) => c.notNull())
    .addColumn("reverses_entry_id", "text", (c) => c.references("journal_entries.id"))
    .addColumn("reversed_by_entry_id", "text", (c) => c.references("journal_entries.id"))
    .addColumn("reversed_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  // At most one live entry per transaction — neither reversed nor a reversal — so a re-run or a
  // retried job cannot book a transaction twice: the second insert hits this index.
  await db.schema
    .createIndex("journal_entries_one_live_per_transaction")
    .unique()
    .on("journal_entries")
    .column("transaction_id")
    .where(sql<boolean>`reversed_at is null and reverses_entry_id is null`)
    .execute();
  await db.schema
    .createIndex("journal_entries_company_date")
    .on("journal_entries")
    .columns(["company_id", "date"])
    .execute();

  await db.schema
    .createTable("journal_lines")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("entry_id", "text", (c) => c.notNull().references("journal_entries.id"))
    .addColumn("line_no", "integer", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("debit_cents", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("credit_cents", "bigint", (c) => c.notNull().defaultTo(0))
    .addCheckConstraint("journal_lines_one_side", ONE_SIDE_CHECK)
    .execute();
  await db.schema
    .createIndex("journal_lines_entry_line_unique")
    .unique()
    .on("journal_lines")
    .columns(["entry_id", "line_no"])
    .execute();
  await db.schema.createIndex("journal_lines_account").on("journal_lines").column("account_id").execute();

  await db.schema
    .createTable("rules")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("conditions", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("rules_company_priority")
    .on("rules")
    .columns(["company_id", "priority"])
    .execute();

  await db.schema
    .createTable("categorizer_cache")
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("company_id", "text", (c) => c.notNull().references("companies.id"))
    .addColumn("payee_key", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("confidence", "double precision", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("categorizer_cache_pk", ["tenant_id", "company_id", "payee_key"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "categorizer_cache",
    "rules",
    "journal_lines",
    "journal_entries",
    "transactions",
    "imports",
    "accounts",
    "companies",
    "api_tokens",
    "tenants",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
