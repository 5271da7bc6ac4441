import { Redis } from "ioredis";
import pg from "pg";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** null when PostgreSQL answers, else why the postgres targets are skipped. */
export async function pgUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${DATABASE_URL} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** null when Redis answers, else why the redis target is skipped. */
export async function redisUnavailable(): Promise<string | null> {
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
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
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
