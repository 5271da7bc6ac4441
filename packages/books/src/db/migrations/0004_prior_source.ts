/**
 * 0004 — a transaction's `source` may be `prior`: categorized by the built-in prior model (categorize/
 * prior/), before the company has any history. The check constraint is widened; nothing else changes.
 *
 * SQLite cannot alter a constraint, and better-sqlite3 runs in defensive mode (no editing of
 * sqlite_master), so the table is rebuilt the way SQLite documents (lang_altertable.html, "making
 * other kinds of table schema changes"): create the new definition, copy the rows, drop, rename,
 * re-create the indexes — inside the migration's transaction, with foreign-key checks deferred to
 * the commit so the journal's references to `transactions` hold again once the rename is done.
 */
import { type Kysely, sql } from "kysely";
import { dialectOf } from "../open.js";

const OLD = "source in ('rule', 'history', 'llm', 'manual')";
const NEW = "source in ('rule', 'prior', 'history', 'llm', 'manual')";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === "postgres") {
    await sql`alter table transactions drop constraint transactions_source_check`.execute(db);
    await sql`alter table transactions add constraint transactions_source_check check (source is null or ${sql.raw(NEW)})`.execute(
      db,
    );
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'transactions'`.execute(db);
  const definition = table.rows[0]?.sql ?? "";
  if (!definition.includes(OLD))
    throw new Error(
      `the transactions table does not have the expected source check (${OLD}); restore it first`,
    );
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'transactions' and sql is not null`.execute(
    db,
  );
  await sql`pragma defer_foreign_keys = on`.execute(db);
  const renamed = definition
    .replace(OLD, NEW)
    .replace(/^create table\s+"?transactions"?/i, 'create table "transactions_0004"');
  await sql.raw(renamed).execute(db);
  await sql`insert into transactions_0004 select * from transactions`.execute(db);
  await sql`drop table transactions`.execute(db);
  await sql`alter table transactions_0004 rename to transactions`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {
  throw new Error(
    "0004_prior_source is not reversible: rows categorized by the prior would break the old check",
  );
}
