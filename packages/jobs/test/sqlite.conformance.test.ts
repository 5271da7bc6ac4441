import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createSqliteStore } from "../src/sqlite/index.js";
import { runStoreConformance } from "./conformance/index.js";

// A real file per store (not ":memory:"), so WAL and the file-level locking are what gets tested.
const dir = mkdtempSync(join(tmpdir(), "lf-sqlite-conformance-"));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreConformance({
  name: "sqlite",
  createStore: async (variant) => {
    n += 1;
    return createSqliteStore({ path: join(dir, `jobs-${n}.sqlite`), ...variant });
  },
});
