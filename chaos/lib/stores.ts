import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BooksDb, type BookTasksOptions, createBookTasks, migrateToLatest } from "@ledgerflow/books";
import { type AnyTask, createQueue, type JobStore, type Queue } from "@ledgerflow/jobs";

/**
 * Where one chaos run keeps its data, isolated from everything else on the machine: a temporary
 * directory for SQLite, a database of its own on PostgreSQL, a key prefix of its own on Redis.
 * Serialisable, so the driver hands it to the worker processes it starts (as CHAOS_TARGET).
 */
export interface Target {
  store: "sqlite" | "postgres" | "redis";
  dataDir: string;
  /** The books database: a SQLite file or a postgres:// URL. */
  booksUrl: string;
  redisUrl?: string;
  redisPrefix?: string;
}

const PG_ADMIN = process.env.CHAOS_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.CHAOS_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Creates the target's storage; resolves null (with the reason) when its service is not reachable. */
export async function createTarget(
  store: Target["store"],
): Promise<{ target: Target } | { skipped: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `ledgerflow-chaos-${store}-`));
  const id = randomBytes(4).toString("hex");
  if (store === "sqlite")
    return { target: { store, dataDir, booksUrl: path.join(dataDir, "ledgerflow.db") } };
  if (store === "postgres") {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE chaos_${id}`);
    } catch (error) {
      return { skipped: `PostgreSQL at ${PG_ADMIN} is not reachable (${(error as Error).message})` };
    } finally {
      await admin.end().catch(() => undefined);
    }
    const url = new URL(PG_ADMIN);
    url.pathname = `/chaos_${id}`;
    return { target: { store, dataDir, booksUrl: url.toString() } };
  }
  const { Redis } = await import("ioredis");
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    return { skipped: `Redis at ${REDIS_URL} is not reachable (${(error as Error).message})` };
  } finally {
    probe.disconnect();
  }
  return {
    target: {
      store,
      dataDir,
      booksUrl: path.join(dataDir, "ledgerflow.db"),
      redisUrl: REDIS_URL,
      redisPrefix: `chaos:${id}:`,
    },
  };
}

/** The job store of a target (each process opens its own). */
export async function openTargetStore(target: Target): Promise<JobStore> {
  if (target.store === "sqlite") {
    const { createSqliteStore } = await import("@ledgerflow/jobs/sqlite");
    return createSqliteStore({ path: target.booksUrl });
  }
  if (target.store === "postgres") {
    const { createPostgresStore } = await import("@ledgerflow/jobs/postgres");
    return createPostgresStore({ connectionString: target.booksUrl });
  }
  const { createRedisStore } = await import("@ledgerflow/jobs/redis");
  return createRedisStore({ url: target.redisUrl ?? REDIS_URL, prefix: target.redisPrefix ?? "chaos:" });
}

/** Removes everything the target created: its directory, its database, its keys (and only those). */
export async function dropTarget(target: Target): Promise<void> {
  rmSync(target.dataDir, { recursive: true, force: true });
  if (target.store === "postgres") {
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    const name = new URL(target.booksUrl).pathname.slice(1);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  if (target.store === "redis" && target.redisPrefix) {
    const { Redis } = await import("ioredis");
    const redis = new Redis(target.redisUrl ?? REDIS_URL);
    let cursor = "0";
    for (let i = 0; i < 100_000; i++) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${target.redisPrefix}*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
    redis.disconnect();
  }
}

/** The books migrated on `db` and a queue of the book tasks on the target's job store, started. */
export async function openBooksQueue(
  target: Target,
  db: BooksDb,
  limits?: BookTasksOptions["limits"],
): Promise<Queue> {
  await migrateToLatest(db);
  const queue = createQueue({
    store: await openTargetStore(target),
    tasks: [...createBookTasks({ db, ...(limits ? { limits } : {}) }).all] as unknown as AnyTask[],
  });
  await queue.init();
  return queue;
}
