export { enqueueInTransaction } from "./enqueue.js";
export { createPostgresStore, PostgresJobStore, type PostgresStoreOptions } from "./store.js";
