import { Redis } from "ioredis";
import pg from "pg";
import { pingPostgres, pingRedis } from "../../packages/jobs/test/support/pings.js";
import { deleteKeys } from "../../packages/jobs/test/support/redis-keys.js";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** null when PostgreSQL answers, else why the postgres targets are skipped. */
export function pgUnavailable(): Promise<string | null> {
  return unreachableReason("PostgreSQL", DATABASE_URL, pingPostgres);
}

/** null when Redis answers, else why the redis targets are skipped. */
export function redisUnavailable(): Promise<string | null> {
  return unreachableReason("Redis", REDIS_URL, pingRedis);
}

async function unreachableReason(
  service: string,
  url: string,
  ping: (url: string) => Promise<void>,
): Promise<string | null> {
  try {
    await ping(url);
    return null;
  } catch (error) {
    return `${service} is not reachable at ${url} (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Runs one statement on a short-lived connection (schema setup and teardown). */
export async function pgExec(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Deletes every key under `prefix` with SCAN (a shared Redis is never blocked by KEYS). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await deleteKeys(redis, prefix);
  } finally {
    await redis.quit();
  }
}

/**
 * pg-boss and graphile-worker have no progress API, so their W2 handlers report progress the way an
 * app on them would: one upsert per report into a table of its own.
 */
export function progressTable(schema: string): { create: string; upsert: string } {
  return {
    create: `CREATE TABLE "${schema}".bench_progress (job_id text PRIMARY KEY, progress int NOT NULL, message text)`,
    upsert: `INSERT INTO "${schema}".bench_progress (job_id, progress, message) VALUES ($1, $2, $3)
      ON CONFLICT (job_id) DO UPDATE SET progress = excluded.progress, message = excluded.message`,
  };
}
