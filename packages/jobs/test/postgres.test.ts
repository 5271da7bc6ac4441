import pg from "pg";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { createPostgresStore, enqueueInTransaction, type PostgresJobStore } from "../src/postgres/index.js";
import type { JobEvent, JobRecord, Lease } from "../src/types.js";
import { DAY, eventually, newJob, T0, TYPE } from "./conformance/harness.js";
import { drainWithRacingClaimers } from "./support/racing-claims.js";
import { describeIfService, POSTGRES_URL, pgAvailable, uniqueSchemaName } from "./support/services.js";

// What the conformance suite cannot see: several processes on one schema, NOTIFY across them, the
// application's own transaction, migrations racing, batching, and a connection that drops.

const available = await pgAvailable();
const admin = available ? new pg.Pool({ connectionString: POSTGRES_URL, max: 2 }) : null;
const schemas = new Set<string>();
const opened: PostgresJobStore[] = [];

afterEach(async () => {
  for (const store of opened.splice(0).reverse()) await store.close();
  for (const schema of schemas) await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  schemas.clear();
});
afterAll(async () => {
  await admin?.end();
});

/** A store on `schema` with its own pool, as another process would have; tagged for pg_stat_activity. */
async function open(schema: string, appName = "lf_test", prefetch = 0): Promise<PostgresJobStore> {
  schemas.add(schema);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("application_name", appName);
  const store = createPostgresStore({ connectionString: url.toString(), schema, poolSize: 3, prefetch });
  opened.push(store);
  await store.init();
  return store;
}

const leaseOf = (job: JobRecord): Lease => ({
  jobId: job.id,
  workerId: job.leaseOwner!,
  attempt: job.attempts,
});

describeIfService("postgres store", available, () => {
  it("migrates once when several processes init the same schema at the same time", async () => {
    const schema = uniqueSchemaName();
    schemas.add(schema);
    const stores = Array.from({ length: 4 }, () =>
      createPostgresStore({ connectionString: POSTGRES_URL, schema, poolSize: 1 }),
    );
    opened.push(...stores);
    await Promise.all(stores.map((store) => store.init()));
    const ledger = await admin!.query(`SELECT version FROM "${schema}".migrations`);
    expect(ledger.rows.map((row) => row.version).sort()).toEqual([1, 2, 3]);
  });

  it("never gives one job to two processes claiming at once (SKIP LOCKED)", async () => {
    const schema = uniqueSchemaName();
    const stores = [await open(schema), await open(schema), await open(schema), await open(schema)];
    await stores[0]!.enqueueMany(Array.from({ length: 400 }, () => newJob()));
    const claimedBy = await drainWithRacingClaimers(stores, TYPE, T0);
    expect(claimedBy.size).toBe(400);
    expect([...claimedBy.values()].every((times) => times === 1)).toBe(true);
  });

  it("delivers another process's changes through LISTEN/NOTIFY, and its own exactly once", async () => {
    const schema = uniqueSchemaName();
    const [listener, writer] = [await open(schema), await open(schema)];
    const events: JobEvent[] = [];
    listener.subscribe((event) => events.push(event));
    await listener.listening();
    const { job: theirs } = await writer.enqueue(newJob());
    const { job: mine } = await listener.enqueue(newJob());
    await eventually(() => expect(events.map((e) => e.jobId)).toEqual([theirs.id, mine.id]));
    expect(events[0]).toMatchObject({ kind: "enqueued", status: "pending", tenantId: theirs.tenantId });
    // Give a stray echo of our own NOTIFY the time to arrive before checking it did not.
    const { job: marker } = await writer.enqueue(newJob());
    await eventually(() => expect(events.map((e) => e.jobId)).toContain(marker.id));
    expect(events.filter((e) => e.jobId === mine.id)).toHaveLength(1);
  });

  it("keeps delivering events after its LISTEN connection is terminated", async () => {
    const schema = uniqueSchemaName();
    const writer = await open(schema);
    const listener = await open(schema, "lf_test_listener");
    const seen: string[] = [];
    listener.subscribe((event) => seen.push(event.jobId));
    await listener.listening();
    await admin!.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lf_test_listener'",
    );
    // Events published while it reconnects are missed (readers poll the job); keep writing until one lands.
    await eventually(async () => {
      const { job } = await writer.enqueue(newJob());
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toContain(job.id);
    }, 10_000);
  });

  it("enqueues inside the application's transaction: rolled back with it, committed with it", async () => {
    const schema = uniqueSchemaName();
    const store = await open(schema);
    await admin!.query(`CREATE TABLE "${schema}".uploads (id int PRIMARY KEY)`);
    const events: string[] = [];
    store.subscribe((event) => events.push(event.jobId));
    await store.listening();
    const client = await admin!.connect();
    try {
      await client.query("BEGIN");
      await client.query(`INSERT INTO "${schema}".uploads VALUES (1)`);
      const dropped = await enqueueInTransaction(client, newJob(), schema);
      await client.query("ROLLBACK");
      expect(await store.get(null, dropped.job.id)).toBeNull();

      await client.query("BEGIN");
      await client.query(`INSERT INTO "${schema}".uploads VALUES (2)`);
      const kept = await enqueueInTransaction(client, newJob(), schema);
      expect(kept.created).toBe(true);
      // Not visible (and not announced) before COMMIT.
      expect(await store.get(null, kept.job.id)).toBeNull();
      await client.query("COMMIT");
      expect((await store.get(null, kept.job.id))?.status).toBe("pending");
      await eventually(() => expect(events).toEqual([kept.job.id]));
    } finally {
      client.release();
    }
  });

  it("writes the completions of one turn in one statement, answering each caller for its own lease", async () => {
    const store = await open(uniqueSchemaName());
    await store.enqueueMany(Array.from({ length: 20 }, () => newJob()));
    const jobs = await store.claim({ workerId: "w1", limit: 20, leaseMs: 60_000, now: T0, types: [TYPE] });
    let statements = 0;
    const original = store.leasePool.query.bind(store.leasePool);
    store.leasePool.query = ((...args: Parameters<typeof original>) => {
      statements += 1;
      return original(...args);
    }) as typeof store.leasePool.query;
    const stale: Lease = { ...leaseOf(jobs[0]!), attempt: 9 };
    const results = await Promise.all([
      store.complete(stale, "stale", T0 + 1, DAY),
      ...jobs.slice(1).map((job) => store.complete(leaseOf(job), { ok: true }, T0 + 1, DAY)),
    ]);
    expect(statements).toBe(1);
    expect(results).toEqual([false, ...Array(19).fill(true)]);
    expect((await store.get(null, jobs[0]!.id))?.status).toBe("running");
  });

  it("with prefetch, claims ahead for the same worker and gives the unserved jobs back on close", async () => {
    const schema = uniqueSchemaName();
    const observer = await open(schema);
    const store = await open(schema, "lf_test", 5);
    await store.enqueueMany(Array.from({ length: 10 }, () => newJob()));
    const claim = () => store.claim({ workerId: "w1", limit: 2, leaseMs: 60_000, now: T0, types: [TYPE] });
    expect(await claim()).toHaveLength(2);
    expect((await observer.countByStatus("tenant_a")).running).toBe(7);
    expect(await claim()).toHaveLength(2); // served from the buffer: no more jobs taken
    expect((await observer.countByStatus("tenant_a")).running).toBe(7);
    await store.close();
    expect(await observer.countByStatus("tenant_a")).toMatchObject({ running: 4, pending: 6 });
    const [given] = (await observer.list({ tenantId: "tenant_a", status: "pending" })).jobs;
    expect(given?.attempts).toBe(0); // released, not counted as an attempt
  });

  it("rejects a schema name that is not a plain identifier, saying what to use", () => {
    expect(() => createPostgresStore({ connectionString: POSTGRES_URL, schema: 'x"; DROP' })).toThrow(
      /plain identifier/,
    );
  });
});

it("under CI=true an unreachable PostgreSQL fails the run instead of skipping it", async () => {
  vi.stubEnv("CI", "true");
  try {
    await expect(pgAvailable("postgres://postgres@127.0.0.1:1/none")).rejects.toThrow(/CI=true requires it/);
  } finally {
    vi.unstubAllEnvs();
  }
});
