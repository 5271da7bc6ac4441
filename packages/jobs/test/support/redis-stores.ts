import { Redis } from "ioredis";
import { afterAll, afterEach } from "vitest";
import { createRedisStore, type RedisJobStore, type RedisStoreOptions } from "../../src/redis/index.js";
import { deleteKeys } from "./redis-keys.js";
import { REDIS_URL, uniqueRedisPrefix } from "./services.js";

/**
 * Redis stores for the tests of one file: each store has its own connection (as another process would
 * have); after each test they are closed and every key under their prefixes deleted. `admin` is one
 * more connection, for looking at (or planting) keys; null when Redis is not available.
 */
export function useRedisStores(available: boolean) {
  const admin = available ? new Redis(REDIS_URL) : null;
  const prefixes = new Set<string>();
  const opened: RedisJobStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0).reverse()) await store.close();
    for (const prefix of prefixes) if (admin) await deleteKeys(admin, prefix);
    prefixes.clear();
  });
  afterAll(async () => {
    await admin?.quit();
  });
  /** Deletes the keys under `prefix` after the test (keys planted before a store is opened on it). */
  const track = (prefix: string): string => {
    prefixes.add(prefix);
    return prefix;
  };
  /** A store not initialised yet (default: a fresh prefix). */
  const create = (options: RedisStoreOptions = {}): RedisJobStore => {
    const store = createRedisStore({
      url: REDIS_URL,
      ...options,
      prefix: track(options.prefix ?? uniqueRedisPrefix()),
    });
    opened.push(store);
    return store;
  };
  /** An initialised store (default: a fresh prefix). */
  const open = async (options: RedisStoreOptions = {}): Promise<RedisJobStore> => {
    const store = create(options);
    await store.init();
    return store;
  };
  return { admin, track, create, open };
}
