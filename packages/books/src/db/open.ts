import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

export type BooksDb = Kysely<Database>;
export type BooksDialect = "sqlite" | "postgres";

export interface OpenBooksDbOptions {
  /** `postgres://…` / `postgresql://…`, or a SQLite file path (`:memory:` for a throwaway database). */
  url: string;
  /** PostgreSQL only: the schema to use (sets `search_path`), e.g. one schema per test. */
  schema?: string;
  /** PostgreSQL only: pool size. Default 10. */
  poolSize?: number;
}

const INT8_OID = 20;

/**
 * int8 (bigint, count(*)) arrives from pg as a string. Our bigints are cents and epoch milliseconds,
 * far inside the safe-integer range, so they are read as numbers — with a guard rather than silent
 * precision loss.
 */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`bigint ${value} is outside the safe integer range of a JS number`);
  }
  return n;
}

const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? parseInt8
      : pg.types.getTypeParser(oid, format ?? "text")) as pg.CustomTypesConfig["getTypeParser"],
};

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the books database. Run {@link migrateToLatest} before first use. */
export function openBooksDb(options: OpenBooksDbOptions): BooksDb {
  if (isPostgresUrl(options.url)) {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/i.test(options.schema)) {
      throw new Error(`invalid schema name "${options.schema}": use letters, digits and underscores`);
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types: pgTypes,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client whose server connection dies emits "error" on the pool; unhandled, that
    // crashes the process. The pool drops that client, and the next query reports any real outage.
    pool.on("error", () => undefined);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const path = options.url.replace(/^(sqlite|file):(\/\/)?/i, "");
  const sqlite = new BetterSqlite3(path);
  // WAL lets readers run beside the one writer; NORMAL survives a process crash (see DESIGN.md §4).
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

// biome-ignore lint/suspicious/noExplicitAny: works for any schema, including migrations' Kysely<any>
export function dialectOf(db: Kysely<any>): BooksDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}
