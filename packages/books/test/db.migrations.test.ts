import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { MIGRATION_TABLE, migrateToLatest } from "../src/db/migrate.js";
import { MIGRATIONS } from "../src/db/migrations/index.js";
import { type BooksDb, dialectOf } from "../src/db/open.js";
import { createTestDb, describeEachDialect, pgUnavailable } from "./db.support.js";

interface SchemaShape {
  tables: Record<string, Record<string, { nullable: boolean }>>;
  indexes: string[];
}

async function describeSchema(db: BooksDb, schema: string | null): Promise<SchemaShape> {
  // Catalog queries scoped to this test's schema: Kysely's introspector reads every schema, which
  // races with other tests dropping theirs.
  const tables: SchemaShape["tables"] = {};
  const add = (table: string, column: string, nullable: boolean) => {
    if (table.startsWith(MIGRATION_TABLE)) return;
    tables[table] = { ...tables[table], [column]: { nullable } };
  };
  if (dialectOf(db) === "postgres") {
    const result = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
      select table_name, column_name, is_nullable from information_schema.columns
      where table_schema = ${schema}`.execute(db);
    for (const r of result.rows) add(r.table_name, r.column_name, r.is_nullable === "YES");
  } else {
    const names = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
    for (const { name } of names.rows) {
      const columns = await sql<{
        name: string;
        notnull: number;
      }>`select name, "notnull" from pragma_table_info(${name})`.execute(db);
      for (const c of columns.rows) add(name, c.name, c.notnull === 0);
    }
  }
  let indexes: string[];
  if (dialectOf(db) === "postgres") {
    const result = await sql<{ name: string }>`
      select c.relname as name from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and not i.indisprimary`.execute(db);
    indexes = result.rows.map((r) => r.name);
  } else {
    const result = await sql<{ name: string }>`
      select name from sqlite_master
      where type = 'index' and name not like 'sqlite_autoindex%'`.execute(db);
    indexes = result.rows.map((r) => r.name);
  }
  return { tables, indexes: indexes.filter((n) => !n.startsWith(MIGRATION_TABLE)).sort() };
}

describeEachDialect("migrations", (ctx) => {
  it("create every table of the data model with tenant_id on each", async () => {
    const { tables } = await describeSchema(ctx().db, ctx().schema);
    expect(Object.keys(tables).sort()).toEqual([
      "accounts",
      "api_tokens",
      "categorizer_cache",
      "companies",
      "import_mappings",
      "imports",
      "journal_entries",
      "journal_lines",
      "rules",
      "tenants",
      "transactions",
    ]);
    for (const [name, columns] of Object.entries(tables)) {
      if (name !== "tenants") expect(columns.tenant_id, name).toEqual({ nullable: false });
    }
  });

  it("are a no-op when run again", async () => {
    expect(await migrateToLatest(ctx().db)).toEqual([]);
  });
});

describe.skipIf(pgUnavailable !== null)(
  `migrations on SQLite and PostgreSQL${pgUnavailable ? ` — skipped: PostgreSQL unreachable (${pgUnavailable})` : ""}`,
  () => {
    it("produce the same tables, columns, nullability and index names", async () => {
      const lite = await createTestDb("sqlite");
      const pg = await createTestDb("postgres");
      try {
        const a = await describeSchema(lite.db, null);
        const b = await describeSchema(pg.db, pg.schema);
        expect(b.tables).toEqual(a.tables);
        expect(b.indexes).toEqual(a.indexes);
        expect(a.indexes).toContain("journal_entries_one_live_per_transaction");
      } finally {
        await lite.close();
        await pg.close();
      }
    });

    it("run exactly once when several processes start together on PostgreSQL", async () => {
      const first = await createTestDb("postgres", false);
      const { openBooksDb } = await import("../src/db/open.js");
      const { POSTGRES_URL } = await import("./db.support.js");
      const second = openBooksDb({ url: POSTGRES_URL, schema: first.schema ?? "" });
      try {
        const [r1, r2] = await Promise.all([migrateToLatest(first.db), migrateToLatest(second)]);
        const applied = [...r1, ...r2].map((r) => r.migrationName).sort();
        expect(applied).toEqual(Object.keys(MIGRATIONS).sort());
      } finally {
        await second.destroy();
        await first.close();
      }
    });
  },
);
