import { readdirSync, readFileSync } from "node:fs";
import type pg from "pg";
import type { Queryable } from "./sql.js";

interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

/** The files in migrations/, `000001_name.sql`, in version order. Append-only: never edit a released one. */
function loadMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d{6}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 6)),
      name: file.slice(7, -4),
      sql: readFileSync(new URL(file, MIGRATIONS_DIR), "utf8"),
    }));
}

/**
 * Key of the advisory lock that serialises migrations of one schema across processes: the first
 * process migrates while the others wait, then they find every version in the ledger and do nothing.
 * 0x4c46 ("LF") namespaces it so it cannot collide with an app's own advisory locks on hashtext(schema).
 */
const LOCK_NAMESPACE = 0x4c46;

/** Creates the schema and applies the missing migrations in one transaction under an advisory lock. */
export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [LOCK_NAMESPACE, schema]);
    await applyMissing(client, schema);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function applyMissing(client: Queryable, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = await client.query<{ version: number }>(`SELECT version FROM ${s}.migrations`);
  const done = new Set(applied.rows.map((row) => row.version));
  // The migration files name no schema: search_path puts their objects in this store's schema.
  await client.query(`SET LOCAL search_path TO ${s}`);
  for (const migration of loadMigrations()) {
    if (done.has(migration.version)) continue;
    await client.query(migration.sql);
    await client.query(`INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`, [
      migration.version,
      migration.name,
    ]);
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes a schema name after checking it is a plain lower-case identifier (it is spliced into SQL). */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(
      `createPostgresStore: schema ${JSON.stringify(name)} is not a plain identifier; use lower-case ` +
        'letters, digits and underscores, starting with a letter or underscore (e.g. "ledgerflow_jobs").',
    );
  }
  return `"${name}"`;
}
