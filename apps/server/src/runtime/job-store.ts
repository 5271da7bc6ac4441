import type { JobStore } from "@ledgerflow/jobs";
import type { Config } from "../config.js";

/**
 * The job store the configuration names. Drivers are imported only when chosen, so a SQLite
 * deployment never loads pg or ioredis. SQLite keeps jobs in the same file as the books (separate
 * connection: the books' Kysely transactions must never interleave with the store's batched writes).
 */
export async function openJobStore(config: Config): Promise<JobStore> {
  switch (config.jobsStore) {
    case "memory": {
      const { createMemoryStore } = await import("@ledgerflow/jobs/memory");
      return createMemoryStore();
    }
    case "sqlite": {
      const { createSqliteStore } = await import("@ledgerflow/jobs/sqlite");
      const file = config.databaseUrl.startsWith("postgres")
        ? `${config.dataDir}/jobs.db`
        : config.databaseUrl.replace(/^(sqlite|file):(\/\/)?/i, "");
      return createSqliteStore({ path: file });
    }
    case "postgres": {
      const { createPostgresStore } = await import("@ledgerflow/jobs/postgres");
      return createPostgresStore({ connectionString: config.databaseUrl });
    }
    case "redis": {
      const { createRedisStore } = await import("@ledgerflow/jobs/redis");
      return createRedisStore({
        url: config.redisUrl ?? "redis://127.0.0.1:6379",
        prefix: config.redisPrefix,
      });
    }
  }
}
