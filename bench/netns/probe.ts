/**
 * Measures the round trip the bench's workers see: 200 sequential `SELECT 1` on PostgreSQL and 200
 * PINGs on Redis, from wherever it runs (inside the namespace, or the root namespace for "direct").
 * Prints one RESULT_PREFIX line: { pgP50, pgP99, redisP50, redisP99 } in ms.
 */
import { Redis } from "ioredis";
import pg from "pg";
import { DATABASE_URL, REDIS_URL } from "../engine/scaleout-services.js";
import { percentile } from "../engine/stats.js";
import { RESULT_PREFIX } from "../engine/system.js";

async function times(n: number, call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i += 1) await call(); // warm-up: connection, JIT
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const start = performance.now();
    await call();
    out.push(performance.now() - start);
  }
  return out;
}

const client = new pg.Client({ connectionString: DATABASE_URL });
await client.connect();
const pgTimes = await times(200, () => client.query("SELECT 1"));
await client.end();
const redis = new Redis(REDIS_URL);
const redisTimes = await times(200, () => redis.ping());
await redis.quit();
console.log(
  RESULT_PREFIX +
    JSON.stringify({
      pgP50: percentile(pgTimes, 50),
      pgP99: percentile(pgTimes, 99),
      redisP50: percentile(redisTimes, 50),
      redisP99: percentile(redisTimes, 99),
    }),
);
