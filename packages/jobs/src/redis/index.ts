export { createRedisStore, RedisJobStore, type RedisStoreOptions } from "./store.js";
