import pg from "pg";
import { afterAll } from "vitest";
import { createPostgresStore, type PostgresJobStore } from "../src/postgres/index.js";
import { runStoreConformance } from "./conformance/index.js";
import { POSTGRES_URL, pgAvailable, unavailableReason, uniqueSchemaName } from "./support/services.js";

const available = await pgAvailable();
// Drops each test's schema after its store closed; one small pool for the whole file.
const admin = available ? new pg.Pool({ connectionString: POSTGRES_URL, max: 1 }) : null;
afterAll(async () => {
  await admin?.end();
});

runStoreConformance({
  name: "postgres",
  ...(available ? {} : { skip: `${unavailableReason()} (CI=true makes this a failure)` }),
  // A fresh schema per store instance, so tests never see each other's jobs.
  createStore: async (variant) =>
    createPostgresStore({
      connectionString: POSTGRES_URL,
      schema: uniqueSchemaName(),
      poolSize: 4,
      ...(variant?.fairness ? { fairness: variant.fairness } : {}),
    }),
  destroyStore: async (store) => {
    await admin?.query(`DROP SCHEMA IF EXISTS "${(store as PostgresJobStore).schema}" CASCADE`);
  },
});
