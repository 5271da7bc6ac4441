import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { createRedisStore, type RedisJobStore } from "../src/redis/index.js";
import { runStoreConformance } from "./conformance/index.js";
import { deleteKeys } from "./support/redis-keys.js";
import { REDIS_URL, redisAvailable, unavailableReason, uniqueRedisPrefix } from "./support/services.js";

const available = await redisAvailable();
// Deletes each test's keys after its store closed; one connection for the whole file.
const admin = available ? new Redis(REDIS_URL, { lazyConnect: true }) : null;
afterAll(async () => {
  await admin?.quit();
});

runStoreConformance({
  name: "redis",
  ...(available ? {} : { skip: `${unavailableReason()} (CI=true makes this a failure)` }),
  // A fresh key prefix per store instance, so tests never see each other's jobs.
  createStore: async (options) =>
    createRedisStore({ url: REDIS_URL, prefix: uniqueRedisPrefix(), ...options }),
  destroyStore: async (store) => {
    if (admin) await deleteKeys(admin, (store as RedisJobStore).prefix);
  },
});
