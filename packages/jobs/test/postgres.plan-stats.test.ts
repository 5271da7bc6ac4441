import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { MIN_ROWS } from "../src/postgres/analyze.js";
import { createPostgresStore, type PostgresJobStore } from "../src/postgres/index.js";
import { newJob, T0, TYPE } from "./conformance/harness.js";
import { describeIfService, POSTGRES_URL, pgAvailable, uniqueSchemaName } from "./support/services.js";

// The claim must stay an ordered scan of jobs_line after a burst of enqueues (src/postgres/analyze.ts):
// with a new table's statistics the planner sorts every pending row per claim instead.

const available = await pgAvailable();
const admin = available ? new pg.Pool({ connectionString: POSTGRES_URL, max: 2 }) : null;
afterAll(async () => {
  await admin?.end();
});

/** The plan of the claim's row choice (the `ready` part of claimStatement), as text. */
async function claimPlan(schema: string): Promise<string> {
  const { rows } = await admin!.query<{ "QUERY PLAN": string }>(
    `EXPLAIN SELECT id FROM "${schema}".jobs
      WHERE status = 'pending' AND fair_round IS NOT NULL AND run_at <= $1 AND type = ANY($2::text[])
      ORDER BY priority DESC, fair_round, seq LIMIT 60 FOR UPDATE SKIP LOCKED`,
    [T0 + 1, [TYPE]],
  );
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}

const analyzeCount = async (schema: string): Promise<number> => {
  const { rows } = await admin!.query<{ n: string }>(
    "SELECT analyze_count::text AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'jobs'",
    [schema],
  );
  return Number(rows[0]?.n ?? 0);
};

async function withStore(run: (store: PostgresJobStore, schema: string) => Promise<void>): Promise<void> {
  const schema = uniqueSchemaName();
  const store = createPostgresStore({ connectionString: POSTGRES_URL, schema, poolSize: 3 });
  try {
    await store.init();
    await run(store, schema);
  } finally {
    await store.close();
    await admin!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

const burst = (n: number) => Array.from({ length: n }, (_, i) => newJob({ tenantId: `t${i % 7}` }));

describeIfService("postgres planner statistics", available, () => {
  it("a burst of enqueues gets the table analyzed, so the claim walks jobs_line instead of sorting every pending row", async () => {
    await withStore(async (store, schema) => {
      for (let chunk = 0; chunk < 4; chunk += 1) await store.enqueueMany(burst(1000));
      await store.planStats.drain();
      expect(store.planStats.analyses).toBeGreaterThanOrEqual(1);
      expect(await analyzeCount(schema)).toBeGreaterThanOrEqual(1);
      const plan = await claimPlan(schema);
      expect(plan).toContain("Index Scan using jobs_line");
      expect(plan).not.toMatch(/Sort/);
    });
  });

  it("the same rows written around the store keep the new table's statistics, and the claim plan sorts (why the store analyzes)", async () => {
    await withStore(async (store, schema) => {
      // One job through the store (below the threshold), the rest copied in by SQL the store never sees.
      await store.enqueueMany(burst(1));
      await admin!.query(
        `INSERT INTO "${schema}".jobs (id, tenant_id, type, status, input, attempts, max_attempts, run_at,
          created_at, updated_at, priority, fair_round)
        SELECT j.id || '-' || g, j.tenant_id, j.type, j.status, j.input, 0, j.max_attempts, j.run_at,
          j.created_at, j.updated_at, j.priority, j.fair_round + g
        FROM "${schema}".jobs j, generate_series(1, $1::int) g`,
        [MIN_ROWS * 4],
      );
      expect(store.planStats.analyses).toBe(0);
      expect(await claimPlan(schema)).toMatch(/Sort/);
    });
  });
});
