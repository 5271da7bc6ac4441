import { randomBytes } from "node:crypto";
import { createPostgresStore } from "@ledgerflow/jobs/postgres";
import { createRedisStore } from "@ledgerflow/jobs/redis";
import { engineSystem } from "./engine-system.js";
import { graphileSystem } from "./graphile-system.js";
import { pgbossSystem } from "./pgboss-system.js";
import {
  DATABASE_URL,
  deleteRedisKeys,
  pgExec,
  pgUnavailable,
  REDIS_URL,
  redisUnavailable,
} from "./scaleout-services.js";
import type { BenchTarget } from "./system.js";

/**
 * The scale-out stores and their PostgreSQL peers (BullMQ, the Redis peer, is in targets.ts). Our stores
 * run with prefetch 100, as graphile-worker runs with its local queue (decision 0003).
 */
const PREFETCH = 100;
export const SCALE_OUT_TARGETS: readonly BenchTarget[] = [
  {
    name: "postgres",
    unavailable: pgUnavailable,
    async setup() {
      const schema = `lf_bench_${randomBytes(4).toString("hex")}`;
      const store = createPostgresStore({ connectionString: DATABASE_URL, schema, prefetch: PREFETCH });
      return engineSystem(store, () => pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  },
  { name: "graphile-worker", unavailable: pgUnavailable, setup: async () => graphileSystem() },
  { name: "pg-boss", unavailable: pgUnavailable, setup: async () => pgbossSystem() },
  {
    name: "redis",
    unavailable: redisUnavailable,
    async setup() {
      const prefix = `lfbench:${randomBytes(4).toString("hex")}`;
      const store = createRedisStore({ url: REDIS_URL, prefix, prefetch: PREFETCH });
      return engineSystem(store, () => deleteRedisKeys(prefix));
    },
  },
];
