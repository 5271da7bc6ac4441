/**
 * One round trip to a real PostgreSQL or Redis, resolving when it answers and rejecting with the
 * driver's error when it does not. Shared by the test probes (services.ts, which add caching and the
 * CI=true rule) and the benchmark (bench/engine), which only needs to know whether to skip a target.
 */
import { Redis } from "ioredis";
import pg from "pg";

const PING_TIMEOUT_MS = 2_000;

export async function pingPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PING_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function pingRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PING_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    // No reconnect loop: one failed attempt is the answer.
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}
