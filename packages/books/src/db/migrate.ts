import { sql } from "kysely";
import { MIGRATIONS } from "./migrations/index.js";
import { type BooksDb, dialectOf } from "./open.js";

/** The ledger of applied migrations; named so it never collides with the job store's tables. */
export const MIGRATION_TABLE = "books_migrations";

/** pg_advisory_xact_lock key for books migrations (any constant unique to this package). */
const PG_LOCK_KEY = 4_242_000_101;

export interface AppliedMigration {
  migrationName: string;
}

/**
 * Applies every pending migration, in name order, in ONE transaction on one connection, so a failure
 * leaves the schema as it was (DDL is transactional on both databases). Concurrent starts migrate
 * exactly once: on PostgreSQL the transaction first takes `pg_advisory_xact_lock`; on SQLite it
 * begins IMMEDIATE, taking the write lock before reading the ledger.
 *
 * Not Kysely's Migrator: it looks for its ledger with a query over every schema of the database,
 * which fails when another schema is dropped at that moment (tests, multi-tenant databases). The
 * ledger keeps Kysely's layout (name, timestamp), so databases migrated by it stay compatible.
 */
export async function migrateToLatest(db: BooksDb): Promise<AppliedMigration[]> {
  const postgres = dialectOf(db) === "postgres";
  return db.connection().execute(async (conn) => {
    await sql.raw(postgres ? "begin" : "begin immediate").execute(conn);
    try {
      if (postgres) await sql`select pg_advisory_xact_lock(${PG_LOCK_KEY})`.execute(conn);
      await sql`create table if not exists ${sql.table(MIGRATION_TABLE)} (
        name varchar(255) not null primary key,
        timestamp varchar(255) not null
      )`.execute(conn);
      const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(conn);
      const done = new Set(rows.rows.map((r) => r.name));
      const applied: AppliedMigration[] = [];
      for (const name of Object.keys(MIGRATIONS).sort()) {
        if (done.has(name)) continue;
        const migration = MIGRATIONS[name];
        if (!migration) continue;
        try {
          await migration.up(conn);
        } catch (error) {
          throw new Error(`books migration ${name} failed: ${String(error)}`, { cause: error });
        }
        await sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
          conn,
        );
        applied.push({ migrationName: name });
      }
      await sql`commit`.execute(conn);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
