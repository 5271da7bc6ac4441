import { mkdirSync } from "node:fs";
import { type BooksDb, migrateToLatest, openBooksDb, verifyApiToken } from "@ledgerflow/books";
import { createQueue, type Queue } from "@ledgerflow/jobs";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { loadBookTasks } from "../domain/book-tasks.js";
import { createBulkActionTask } from "../domain/bulk-action.js";
import { type Authenticate, cachedAuthenticate } from "../middleware/auth.js";
import { type EngineObservability, engineObservability } from "../observability/engine-metrics.js";
import { type BooksTransactionEnqueue, booksTransactionEnqueue } from "./books-transaction-enqueue.js";
import { openJobStore } from "./job-store.js";

/** Everything a process of Ledgerflow holds open: the books database and the job queue. */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: BooksDb;
  queue: Queue;
  /** The engine metrics (and spans, when OTEL_EXPORTER_OTLP_ENDPOINT is set) of this process's queue. */
  observability: EngineObservability;
  authenticate: Authenticate;
  /** Set when the job store lives in the books database (PostgreSQL): see booksTransactionEnqueue. */
  enqueueInBooksTransaction: BooksTransactionEnqueue | null;
  /** Closes the queue (and its store), then the database. Stop workers and servers first. */
  close(): Promise<void>;
}

/** Opens and migrates the books database and the job store named by the configuration. */
export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  mkdirSync(config.dataDir, { recursive: true });
  const db = openBooksDb({ url: config.databaseUrl });
  try {
    await migrateToLatest(db);
    const store = await openJobStore(config);
    const observability = engineObservability();
    // The operator's bulk retry/cancel/delete acts through this process's own queue (a worker thread's in serve).
    const queue: Queue = createQueue({
      store,
      tasks: [...loadBookTasks(db, config), createBulkActionTask(() => queue)],
      retentionMs: config.jobRetentionMs,
      instrumentation: observability.instrumentation,
    });
    await queue.init();
    return {
      config,
      logger,
      db,
      queue,
      observability,
      authenticate: cachedAuthenticate((token) => verifyApiToken(db, token)),
      enqueueInBooksTransaction: await booksTransactionEnqueue(config, store),
      async close() {
        await queue.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
}
