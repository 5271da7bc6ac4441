/**
 * Test databases for the books package: a fresh in-memory SQLite, or a fresh schema on the real
 * PostgreSQL (dropped afterwards). Locally an unreachable PostgreSQL skips its suites with the reason
 * in the name; under CI=true it is a failure.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, beforeEach, describe } from "vitest";
import { migrateToLatest } from "../src/db/migrate.js";
import { type BooksDb, type BooksDialect, openBooksDb } from "../src/db/open.js";

export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let pgProbe: Promise<string | null> | undefined;

/** null when PostgreSQL answers, else why not. */
function probePostgres(): Promise<string | null> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query("select 1");
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgProbe;
}

const pgUnavailable = await probePostgres();
if (pgUnavailable && process.env.CI === "true") {
  throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (${pgUnavailable}); CI=true requires it`);
}

export interface TestDb {
  db: BooksDb;
  dialect: BooksDialect;
  /** PostgreSQL: the schema created for this test. */
  schema: string | null;
  close(): Promise<void>;
}

export async function createTestDb(dialect: BooksDialect, migrate = true): Promise<TestDb> {
  if (dialect === "sqlite") {
    const db = openBooksDb({ url: ":memory:" });
    if (migrate) await migrateToLatest(db);
    return { db, dialect, schema: null, close: () => db.destroy() };
  }
  const schema = `books_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openBooksDb({ url: POSTGRES_URL, schema, poolSize: 4 });
  if (migrate) await migrateToLatest(db);
  return {
    db,
    dialect,
    schema,
    async close() {
      await db.destroy();
      const dropper = new pg.Client({ connectionString: POSTGRES_URL });
      await dropper.connect();
      await dropper.query(`drop schema if exists ${schema} cascade`);
      await dropper.end();
    },
  };
}

export const DIALECTS: readonly BooksDialect[] = ["sqlite", "postgres"];

/**
 * Runs `fn` once per dialect with a fresh, migrated database per test (`ctx().db`). The PostgreSQL
 * copy is skipped, with the reason in its name, when the server is unreachable outside CI.
 */
export function describeEachDialect(
  name: string,
  fn: (ctx: () => TestDb, dialect: BooksDialect) => void,
): void {
  for (const dialect of DIALECTS) {
    const body = () => {
      let current: TestDb | undefined;
      beforeEach(async () => {
        current = await createTestDb(dialect);
      });
      afterEach(async () => {
        await current?.close();
        current = undefined;
      });
      fn(() => {
        if (!current) throw new Error("test database not ready");
        return current;
      }, dialect);
    };
    if (dialect === "postgres" && pgUnavailable) {
      describe.skip(`${name} [postgres] — skipped: PostgreSQL unreachable (${pgUnavailable})`, body);
    } else {
      describe(`${name} [${dialect}]`, body);
    }
  }
}

export { pgUnavailable };
