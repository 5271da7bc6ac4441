import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { POSTGRES_URL, REDIS_URL } from "../../../../../packages/jobs/test/support/services.js";

/**
 * Where one scale-out scenario keeps its data: a PostgreSQL database of its own (books, and jobs
 * unless they are on Redis) and, for jobs on Redis, a Redis database index nobody else uses.
 * The app has no setting for its Redis key prefix (always "lf"), so a database index isolates it.
 */
export interface Target {
  /** Environment shared by every process of the cluster. */
  env: Record<string, string>;
  databaseUrl: string;
  drop(): Promise<void>;
}

export async function createTarget(jobs: "postgres" | "redis"): Promise<Target> {
  const name = `lf_scale_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-scaleout-"));
  // JOBS_STORE left empty on purpose: a postgres DATABASE_URL alone must put the jobs there too.
  const env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, JOBS_STORE: "" };
  let redisDb: number | null = null;
  if (jobs === "redis") {
    redisDb = await freeRedisDb();
    const redisUrl = new URL(REDIS_URL);
    redisUrl.pathname = `/${redisDb}`;
    Object.assign(env, { JOBS_STORE: "redis", REDIS_URL: redisUrl.toString() });
  }
  return {
    env,
    databaseUrl,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => cleanup.end());
      if (redisDb !== null) await deleteKeys(env.REDIS_URL ?? REDIS_URL, "lf:*");
    },
  };
}

/** A Redis database index (1–15) that holds no keys now, so this run's keys are the only ones there. */
async function freeRedisDb(): Promise<number> {
  const start = 1 + Math.floor(Math.random() * 15);
  for (let i = 0; i < 15; i++) {
    const db = ((start + i - 1) % 15) + 1;
    const url = new URL(REDIS_URL);
    url.pathname = `/${db}`;
    const redis = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
    try {
      if ((await redis.dbsize()) === 0) return db;
    } finally {
      redis.disconnect();
    }
  }
  throw new Error(
    `every Redis database 1–15 at ${REDIS_URL} holds keys; free one (FLUSHDB) to run this test`,
  );
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
