import { type BooksDb, isPostgresUrl } from "@ledgerflow/books";
import type { EnqueueResult, JobStore, NewJob } from "@ledgerflow/jobs";
import type { enqueueInTransaction } from "@ledgerflow/jobs/postgres";
import { CompiledQuery } from "kysely";
import type { Config } from "../config.js";

/**
 * Inserts `job` on an open transaction of the books database (`trx`, from `db.startTransaction()`):
 * the job commits — and its NOTIFY fires — together with the app's rows in that transaction, or
 * neither does.
 */
export type BooksTransactionEnqueue = (trx: BooksDb, job: NewJob) => Promise<EnqueueResult>;

type Queryable = Parameters<typeof enqueueInTransaction>[0];

/**
 * Transactional enqueue when the job store lives in the books database: the PostgreSQL store opened
 * from the same DATABASE_URL (see openJobStore). Null for every other pairing — SQLite (jobs in the
 * same file but on a connection of their own), Redis, memory — where the import and its job are two
 * separate writes (docs/scaling.md says what that means after a crash).
 */
export async function booksTransactionEnqueue(
  config: Config,
  store: JobStore,
): Promise<BooksTransactionEnqueue | null> {
  if (config.jobsStore !== "postgres" || !isPostgresUrl(config.databaseUrl)) return null;
  // Imported only here: a SQLite or Redis deployment never loads the PostgreSQL store.
  const postgres = await import("@ledgerflow/jobs/postgres");
  if (!(store instanceof postgres.PostgresJobStore)) return null;
  const schema = store.schema;
  return (trx, job) => postgres.enqueueInTransaction(onConnectionOf(trx), job, schema);
}

/**
 * The store's statements sent through Kysely, so they run on the connection that holds the books
 * transaction (its own pool could not see the uncommitted import row, nor roll back with it).
 */
function onConnectionOf(trx: BooksDb): Queryable {
  return {
    async query<R extends object>(config: string | { text: string; values?: unknown[] }, values?: unknown[]) {
      const text = typeof config === "string" ? config : config.text;
      const params = (typeof config === "string" ? values : config.values) ?? [];
      const result = await trx.executeQuery<R>(CompiledQuery.raw(text, params));
      const affected = result.numAffectedRows;
      return { rows: result.rows, rowCount: affected === undefined ? result.rows.length : Number(affected) };
    },
  };
}
