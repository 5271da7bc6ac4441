import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createPostgresStore } from "../src/postgres/index.js";
import { runThroughConnectionLoss } from "./support/connection-loss.js";
import { describeIfService, POSTGRES_URL, pgAvailable, uniqueSchemaName } from "./support/services.js";

const available = await pgAvailable();
const admin = available ? new pg.Pool({ connectionString: POSTGRES_URL, max: 1 }) : null;
afterAll(async () => {
  await admin?.end();
});

describeIfService("postgres store: connection loss", available, () => {
  it("keeps running when every connection of the store is terminated mid-run, and loses no job", async () => {
    const appName = `lf_loss_${randomBytes(4).toString("hex")}`;
    const url = new URL(POSTGRES_URL);
    url.searchParams.set("application_name", appName);
    const schema = uniqueSchemaName();
    const store = createPostgresStore({ connectionString: url.toString(), schema, poolSize: 4 });
    try {
      await runThroughConnectionLoss({
        store,
        prepare: async () => {
          store.subscribe(() => {}); // so the LISTEN connection exists and is killed too
          await store.listening();
        },
        breakConnections: async () => {
          const killed = await admin!.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            [appName],
          );
          expect(killed.rowCount).toBeGreaterThan(0);
        },
      });
    } finally {
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
