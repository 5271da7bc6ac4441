import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fairness } from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import { bullmqSystem } from "./bullmq-system.js";
import { engineSystem } from "./engine-system.js";
import { REDIS_URL, redisUnavailable } from "./scaleout-services.js";
import { SCALE_OUT_TARGETS } from "./scaleout-targets.js";
import type { BenchTarget } from "./system.js";

/** Our SQLite store on a file in a temporary folder, removed afterwards. */
export function sqliteTarget(
  name: string,
  options: { synchronous: "NORMAL" | "FULL"; fairness?: Fairness },
): BenchTarget {
  return {
    name,
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), "lf-bench-"));
      const store = createSqliteStore({ path: join(dir, "jobs.sqlite"), ...options });
      return engineSystem(store, async () => rmSync(dir, { recursive: true, force: true }));
    },
  };
}

/**
 * The systems in the engine benchmark, one column each. A new store is one entry here, e.g.
 *   { name: "postgres", unavailable: pgUnavailable, setup: async () => engineSystem(createPostgresStore({ schema }), dropSchema) }
 */
export const ENGINE_TARGETS: readonly BenchTarget[] = [
  { name: "memory", setup: async () => engineSystem(createMemoryStore()) },
  sqliteTarget("sqlite NORMAL", { synchronous: "NORMAL" }),
  sqliteTarget("sqlite FULL", { synchronous: "FULL" }),
  { name: "BullMQ", unavailable: redisUnavailable, setup: async () => bullmqSystem(REDIS_URL) },
  ...SCALE_OUT_TARGETS,
];
