import { randomBytes } from "node:crypto";
import type { Fairness } from "@ledgerflow/jobs";
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
 * Store options the benchmark varies between targets. Left out, our stores run with their default
 * options, as an app gets them (issue 13 measures defaults): PostgreSQL claims ahead by default
 * (docs/jobs/postgres-claim.md), Redis does not prefetch.
 */
export interface StoreVariant {
  fairness?: Fairness;
  prefetch?: number;
}

/** Our PostgreSQL store in a schema of its own, dropped afterwards. */
export function postgresTarget(name: string, variant: StoreVariant = {}): BenchTarget {
  return {
    name,
    unavailable: pgUnavailable,
    async setup() {
      const schema = `lf_bench_${randomBytes(4).toString("hex")}`;
      const store = createPostgresStore({
        connectionString: DATABASE_URL,
        schema,
        ...variant,
      });
      return engineSystem(store, () => pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}

/** Our Redis store under a key prefix of its own, deleted afterwards. */
export function redisTarget(name: string, variant: StoreVariant = {}): BenchTarget {
  return {
    name,
    unavailable: redisUnavailable,
    async setup() {
      const prefix = `lfbench:${randomBytes(4).toString("hex")}`;
      const store = createRedisStore({ url: REDIS_URL, prefix, ...variant });
      return engineSystem(store, () => deleteRedisKeys(prefix));
    },
  };
}

/** The scale-out stores and their PostgreSQL peers (BullMQ, the Redis peer, is in targets.ts). */
export const SCALE_OUT_TARGETS: readonly BenchTarget[] = [
  postgresTarget("postgres"),
  { name: "graphile-worker", unavailable: pgUnavailable, setup: async () => graphileSystem() },
  { name: "pg-boss", unavailable: pgUnavailable, setup: async () => pgbossSystem() },
  redisTarget("redis"),
];
