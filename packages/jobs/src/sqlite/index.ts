import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Fairness, JobStore } from "../types.js";
import { tableNames } from "./schema.js";
import { SqliteJobStore } from "./store.js";

export interface SqliteStoreOptions {
  /** The database file (created if missing). Default "./data/jobs.sqlite". Ignored when `database` is given. */
  path?: string;
  /** An open better-sqlite3 connection to use instead of `path` (the store does not close it). */
  database?: Database.Database;
  /**
   * NORMAL (default) survives a crash of the process; FULL also survives power loss, at roughly a
   * third of the throughput on this project's benchmark (docs/benchmarks.md).
   */
  synchronous?: "NORMAL" | "FULL";
  /** Prefix for the store's tables (`<prefix>jobs`, `<prefix>jobs_migrations`). Default "". */
  tablePrefix?: string;
  /**
   * How long a write waits for another connection's write lock before failing with
   * JobsError("store_unavailable"). Default 10 000 ms. The wait uses timers, so the event loop stays
   * free (the store sets the connection's own busy_timeout to a few ms after init).
   */
  busyTimeoutMs?: number;
  /**
   * How jobs of one priority are ordered (see `Fairness` and docs/jobs/priorities-and-fairness.md):
   * "tenant" (default) takes the tenants' jobs round-robin, so one tenant's backlog does not delay
   * another's new job; "fifo" is strict runAt-then-enqueue order, for single-tenant apps. Every
   * process on one file should use the same value: it decides the place a job gets when it becomes
   * due, and jobs already in line keep theirs.
   */
  fairness?: Fairness;
}

const DEFAULT_PATH = "./data/jobs.sqlite";

/**
 * A durable JobStore on one SQLite file (better-sqlite3, WAL). Any number of processes may open the
 * same file: claims are exclusive, and other processes see changes by polling (the worker's
 * pollIntervalMs), since events only reach this process's subscribers.
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): JobStore {
  const tables = tableNames(options.tablePrefix ?? "");
  const synchronous = options.synchronous ?? "NORMAL";
  if (synchronous !== "NORMAL" && synchronous !== "FULL") {
    throw new Error(
      `createSqliteStore: synchronous must be "NORMAL" or "FULL", not ${JSON.stringify(synchronous)}.`,
    );
  }
  const fairness = options.fairness ?? "tenant";
  if (fairness !== "tenant" && fairness !== "fifo") {
    throw new Error(
      `createSqliteStore: fairness must be "tenant" or "fifo", not ${JSON.stringify(fairness)}.`,
    );
  }
  const owns = options.database === undefined;
  const db = options.database ?? openFile(options.path ?? DEFAULT_PATH);
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000));
  // busy_timeout first: switching to WAL itself needs a lock another process may hold.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  // The WAL file is reused after each full checkpoint; this trims it back if a burst grew it.
  db.pragma("journal_size_limit = 67108864");
  return new SqliteJobStore(db, tables, owns, busyTimeoutMs, fairness);
}

function openFile(path: string): Database.Database {
  if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true });
  return new Database(path);
}

export type { SqliteJobStore };
