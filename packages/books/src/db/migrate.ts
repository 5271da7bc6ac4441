import { type MigrationResult, Migrator } from "kysely";
import { MIGRATIONS } from "./migrations/index.js";
import type { BooksDb } from "./open.js";

/** The ledger of applied migrations; named so it never collides with the job store's tables. */
export const MIGRATION_TABLE = "books_migrations";

/**
 * Applies every pending migration, each in its own transaction. On PostgreSQL Kysely takes a
 * session advisory lock (`pg_advisory_lock`) around the run, so several processes starting at once
 * migrate exactly once; on SQLite the write transaction itself serialises them.
 */
export async function migrateToLatest(db: BooksDb): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`books migration ${failed} failed: ${String(error)}`, { cause: error });
  }
  return results ?? [];
}
