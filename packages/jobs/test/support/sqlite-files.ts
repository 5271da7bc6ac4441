import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach } from "vitest";
import { createSqliteStore, type SqliteStoreOptions } from "../../src/sqlite/index.js";
import type { JobStore } from "../../src/types.js";

/**
 * Real SQLite files for a test file's tests (not ":memory:": WAL and file locks are what is under
 * test): a fresh path per call, and stores and connections that are closed after each test.
 */
export function useSqliteFiles(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let fileCount = 0;
  const opened: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    for (const thing of opened.splice(0).reverse()) await thing.close();
  });
  const freshPath = () => join(dir, `store-${++fileCount}.sqlite`);
  return {
    freshPath,
    /** An initialised store (on a fresh file unless `path` or `database` is given). */
    async open(options: SqliteStoreOptions = {}): Promise<JobStore> {
      const store = createSqliteStore({ path: freshPath(), ...options });
      opened.push(store);
      await store.init();
      return store;
    },
    /** A plain connection to the file, as another process (or the app) would have. */
    connect(path: string): Database.Database {
      const db = new Database(path);
      opened.push(db);
      return db;
    },
  };
}
