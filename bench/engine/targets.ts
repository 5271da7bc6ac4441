import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import { Redis } from "ioredis";
import { bullmqSystem } from "./bullmq-system.js";
import { engineSystem } from "./engine-system.js";
import { SCALE_OUT_TARGETS } from "./scaleout-targets.js";
import type { BenchTarget } from "./system.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisUnavailable(): Promise<string | null> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return `Redis is not reachable at ${REDIS_URL} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.disconnect();
  }
}

function sqliteTarget(synchronous: "NORMAL" | "FULL"): BenchTarget {
  return {
    name: `sqlite ${synchronous}`,
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), "lf-bench-"));
      const store = createSqliteStore({ path: join(dir, "jobs.sqlite"), synchronous });
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
  sqliteTarget("NORMAL"),
  sqliteTarget("FULL"),
  { name: "BullMQ", unavailable: redisUnavailable, setup: async () => bullmqSystem(REDIS_URL) },
  ...SCALE_OUT_TARGETS,
];
