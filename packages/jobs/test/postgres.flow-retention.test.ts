import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createPostgresStore } from "../src/postgres/index.js";
import { describeIfService, POSTGRES_URL, pgAvailable, uniqueSchemaName } from "./support/services.js";

// Migration 000006's trigger, under a race the conformance suite cannot make: two transactions delete
// the last two members of a batch at the same moment. Each alone still sees the other's member; the
// trigger's lock on the batch makes the second one wait and then see the first one's delete.
const available = await pgAvailable();
const admin = available ? new pg.Pool({ connectionString: POSTGRES_URL, max: 3 }) : null;
afterAll(async () => {
  await admin?.end();
});

describeIfService("postgres flow retention", available, () => {
  it("two transactions deleting a batch's last members at once: the batch is removed by one of them", async () => {
    const schema = uniqueSchemaName();
    const store = createPostgresStore({ connectionString: POSTGRES_URL, schema, poolSize: 1 });
    const s = `"${schema}"`;
    const [a, b] = [await (admin as pg.Pool).connect(), await (admin as pg.Pool).connect()];
    try {
      await store.init();
      await a.query(
        `INSERT INTO ${s}.job_groups (id, tenant_id, parent_job_id, total, remaining, on_complete, done, created_at)
         VALUES ('bat_race', 't', NULL, 2, 0, NULL, true, 0)`,
      );
      await a.query(
        `INSERT INTO ${s}.job_group_ends (group_id, idx) VALUES ('bat_race', 0), ('bat_race', 1)`,
      );
      for (const i of [0, 1]) {
        await a.query(
          `INSERT INTO ${s}.jobs (id, tenant_id, type, status, input, max_attempts, run_at, created_at, updated_at, idempotency_key)
           VALUES ($1, 't', 'member', 'complete', '{}', 1, 0, 0, 0, $2)`,
          [`job_race_${i}`, `flow:bat_race:${i}`],
        );
      }
      await a.query("BEGIN");
      await b.query("BEGIN");
      await a.query(`DELETE FROM ${s}.jobs WHERE id = 'job_race_0'`);
      const second = b.query(`DELETE FROM ${s}.jobs WHERE id = 'job_race_1'`);
      // Let the second delete reach the trigger (it waits there for the first transaction).
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.query("COMMIT");
      await second;
      await b.query("COMMIT");
      expect((await a.query(`SELECT id FROM ${s}.job_groups`)).rows).toEqual([]);
      expect((await a.query(`SELECT group_id FROM ${s}.job_group_ends`)).rows).toEqual([]);
    } finally {
      await a.query("ROLLBACK").catch(() => undefined);
      await b.query("ROLLBACK").catch(() => undefined);
      a.release();
      b.release();
      await store.close();
      await admin?.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    }
  });
});
