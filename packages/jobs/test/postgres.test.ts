import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask } from "../src/index.js";
import { createPostgresStore, enqueueInTransaction, type PostgresJobStore } from "../src/postgres/index.js";
import { DEFAULT_CLAIM_AHEAD } from "../src/postgres/store.js";
import type { ClaimRequest, Fairness, JobEvent, JobRecord, Lease } from "../src/types.js";
import { DAY, eventually, newJob, OTHER_TENANT, T0, TENANT, TYPE } from "./conformance/harness.js";
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
async function open(
  schema: string,
  appName = "lf_test",
  prefetch = 0,
  fairness: Fairness = "tenant",
): Promise<PostgresJobStore> {
  schemas.add(schema);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("application_name", appName);
  const store = createPostgresStore({
    connectionString: url.toString(),
    schema,
    poolSize: 3,
    prefetch,
    fairness,
  });
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
    // Every file of migrations/, once (the list grows with each migration).
    const files = readdirSync(new URL("../src/postgres/migrations/", import.meta.url))
      .filter((file) => /^\d{6}_.+\.sql$/.test(file))
      .map((file) => Number(file.slice(0, 6)))
      .sort((a, b) => a - b);
    expect(ledger.rows.map((row) => Number(row.version)).sort((a, b) => a - b)).toEqual(files);
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

  it("claims ahead by default (the prefetch option caps it, 0 turns it off); a claim itself takes only what it asks for", async () => {
    const schema = uniqueSchemaName();
    const store = await open(schema, "lf_test", DEFAULT_CLAIM_AHEAD);
    expect(store.capabilities.claimAhead).toBe(DEFAULT_CLAIM_AHEAD);
    expect(createPostgresStore({ connectionString: POSTGRES_URL, schema }).capabilities.claimAhead).toBe(
      DEFAULT_CLAIM_AHEAD,
    );
    expect(
      createPostgresStore({ connectionString: POSTGRES_URL, schema, prefetch: 0 }).capabilities.claimAhead,
    ).toBe(0);
    await store.enqueueMany(Array.from({ length: 10 }, () => newJob()));
    expect(await claimOf(store, { limit: 2 })).toHaveLength(2);
    expect(await store.countByStatus(TENANT)).toMatchObject({ running: 2, pending: 8 });
  });

  it("a worker claiming ahead runs every job once and, stopped mid-drain, leaves no job claimed ahead as running", async () => {
    const schema = uniqueSchemaName();
    const store = await open(schema, "lf_test", DEFAULT_CLAIM_AHEAD);
    const task = defineTask({
      name: TYPE,
      input: z.object({ n: z.number() }),
      retries: 0,
      handler: () => null,
    });
    const queue = createQueue({ store, tasks: [task] });
    const total = 600;
    await queue.enqueueMany(
      task,
      Array.from({ length: total }, (_, n) => ({ n })),
      { tenantId: TENANT },
    );
    let completed = 0;
    queue.onEvent((event) => {
      if (event.kind === "completed") completed += 1;
    });
    const spy = vi.spyOn(store, "claim");
    const worker = createWorker(queue, { concurrency: 4 });
    worker.start();
    await eventually(() => expect(completed).toBeGreaterThan(total / 3));
    await worker.stop();
    // Claim-ahead happened: some claim asked for more jobs than the worker has slots.
    expect(Math.max(...spy.mock.calls.map(([request]) => request.limit))).toBeGreaterThan(4);
    await eventually(async () => expect((await store.countByStatus(TENANT)).running).toBe(0));
    const counts = await store.countByStatus(TENANT);
    expect(counts.complete + counts.pending).toBe(total);
    const page = await store.list({ tenantId: TENANT, status: "pending", limit: 100 });
    for (const job of page.jobs) expect(job.attempts).toBe(0); // given back, the attempt not counted
    const finished = await store.list({ tenantId: TENANT, status: "complete", limit: 100 });
    for (const job of finished.jobs) expect(job.attempts).toBe(1);
    // A second worker drains the rest: nothing was lost or left claimed.
    const second = createWorker(queue, { concurrency: 4 });
    second.start();
    await eventually(async () => expect((await store.countByStatus(TENANT)).complete).toBe(total), 20_000);
    await second.stop();
  });

  it("a worker whose claims carry a concurrency limit never claims ahead of its free slots", async () => {
    const schema = uniqueSchemaName();
    const store = await open(schema, "lf_test", DEFAULT_CLAIM_AHEAD);
    const task = defineTask({
      name: TYPE,
      input: z.object({ n: z.number() }),
      retries: 0,
      concurrency: { limit: 100, key: (input) => `k${input.n % 3}` },
      handler: () => null,
    });
    const queue = createQueue({ store, tasks: [task] });
    const total = 300;
    await queue.enqueueMany(
      task,
      Array.from({ length: total }, (_, n) => ({ n })),
      { tenantId: TENANT },
    );
    const spy = vi.spyOn(store, "claim");
    const worker = createWorker(queue, { concurrency: 4 });
    worker.start();
    await eventually(async () => expect((await store.countByStatus(TENANT)).complete).toBe(total), 20_000);
    await worker.stop();
    expect(spy.mock.calls.length).toBeGreaterThan(0);
    expect(Math.max(...spy.mock.calls.map(([request]) => request.limit))).toBeLessThanOrEqual(4);
  });

  it("rejects a schema name that is not a plain identifier, saying what to use", () => {
    expect(() => createPostgresStore({ connectionString: POSTGRES_URL, schema: 'x"; DROP' })).toThrow(
      /plain identifier/,
    );
  });
});

const claimOf = (store: PostgresJobStore, overrides: Partial<ClaimRequest> = {}): Promise<JobRecord[]> =>
  store.claim({ workerId: "w1", limit: 1, leaseMs: 60_000, now: T0, types: [TYPE], ...overrides });

/** The rows of one schema's jobs table, read behind the store's back. */
async function rows(schema: string, where: string): Promise<Record<string, unknown>[]> {
  return (await admin!.query(`SELECT * FROM "${schema}".jobs WHERE ${where} ORDER BY seq`)).rows;
}

// Queue control as only the PostgreSQL store has it: migration of a live schema, the transactional
// enqueue, several processes holding limits, the claim plan, and where jobs wait for their round.
describeIfService("postgres store: queue control", available, () => {
  it("migrates a schema with a backlog from before queue control: old jobs get priority 0, no keys, and their turn", async () => {
    const schema = uniqueSchemaName();
    schemas.add(schema);
    await admin!.query(`CREATE SCHEMA "${schema}"`);
    const client = await admin!.connect();
    try {
      await client.query(`SET search_path TO "${schema}"`);
      await client.query(
        readFileSync(new URL("../src/postgres/migrations/000001_jobs.sql", import.meta.url), "utf8"),
      );
      await client.query(`CREATE TABLE migrations (version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      await client.query("INSERT INTO migrations (version, name) VALUES (1, 'jobs')");
      // Six jobs of tenant_a as the first round's store wrote them, in line by (run_at, seq).
      await client.query(`INSERT INTO jobs (id, tenant_id, type, status, input, max_attempts, run_at, created_at, updated_at)
        SELECT 'job_old_' || g, 'tenant_a', '${TYPE}', 'pending', jsonb_build_object('i', g), 3, ${T0} + g, ${T0}, ${T0}
        FROM generate_series(0, 5) g`);
    } finally {
      await client.query("RESET search_path");
      client.release();
    }
    const store = await open(schema);
    const [old] = (await store.list({ tenantId: TENANT, limit: 1 })).jobs;
    expect(old).toMatchObject({ priority: 0, concurrencyKey: null, rateKey: null, traceContext: null });
    // A newcomer is not queued behind the old backlog: the old jobs are placed when a claim first sees them.
    const newcomer = newJob({ tenantId: OTHER_TENANT, now: T0 + 10, runAt: T0 + 10 });
    await store.enqueue(newcomer);
    const order: string[] = [];
    for (;;) {
      const [job] = await claimOf(store, { now: T0 + 10 });
      if (job === undefined) break;
      order.push(job.id);
    }
    expect(order).toHaveLength(7);
    expect(order.filter((id) => id.startsWith("job_old_"))).toEqual(
      Array.from({ length: 6 }, (_, i) => `job_old_${i}`),
    );
    expect(order.indexOf(newcomer.id)).toBeLessThanOrEqual(1);
  });

  it("enqueueInTransaction stores priority and keys, and places the job by the fairness init() recorded", async () => {
    for (const fairness of ["fifo", "tenant"] as const) {
      const schema = uniqueSchemaName();
      const store = await open(schema, "lf_test", 0, fairness);
      await store.enqueueMany(Array.from({ length: 3 }, () => newJob()));
      const client = await admin!.connect();
      let early: JobRecord;
      try {
        await client.query("BEGIN");
        const job = newJob({ tenantId: OTHER_TENANT, runAt: T0 - 10, concurrencyKey: "c", rateKey: "r" });
        early = (await enqueueInTransaction(client, job, schema)).job;
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      expect(early).toMatchObject({ priority: 0, concurrencyKey: "c", rateKey: "r" });
      const firstTwo = (await claimOf(store, { limit: 2 })).map((j) => j.id);
      // fifo: earliest runAt first; tenant: one job of tenant_a's line, then the newcomer's turn.
      expect(firstTwo.indexOf(early.id)).toBe(fairness === "fifo" ? 0 : 1);
    }
  });

  it("several processes claiming at once never exceed a concurrency limit or a rate limit", async () => {
    const schema = uniqueSchemaName();
    const stores = [await open(schema), await open(schema), await open(schema), await open(schema)];
    const keys = ["k1", "k2", "k3", "k4", "k5"];
    await stores[0]!.enqueueMany(
      Array.from({ length: 200 }, (_, i) =>
        newJob({
          tenantId: `t${i % 3}`,
          concurrencyKey: keys[i % 5] as string,
          rateKey: i % 2 ? "odd" : "even",
        }),
      ),
    );
    const limits = { [TYPE]: { concurrency: 2, rate: { max: 7, perMs: 60_000 } } };
    const race = (now: number) =>
      Promise.all(
        stores.map(async (store, n) => {
          const mine: JobRecord[] = [];
          for (;;) {
            const jobs = await claimOf(store, { workerId: `w${n}`, limit: 3, now, limits });
            if (jobs.length === 0) return mine;
            mine.push(...jobs);
          }
        }),
      );
    const first = (await race(T0)).flat();
    const byKey = (jobs: JobRecord[], pick: (job: JobRecord) => string | null) => {
      const counts = new Map<string | null, number>();
      for (const job of jobs) counts.set(pick(job), (counts.get(pick(job)) ?? 0) + 1);
      return counts;
    };
    // 14 starts allowed by the two rate buckets, 10 running slots by the five keys: the slots bind.
    expect([...byKey(first, (j) => j.concurrencyKey).values()].every((n) => n <= 2)).toBe(true);
    expect([...byKey(first, (j) => j.rateKey).values()].every((n) => n <= 7)).toBe(true);
    expect(first).toHaveLength(10);
    for (const job of first) await stores[0]!.complete(leaseOf(job), null, T0 + 1, DAY);
    // Slots are free again, but each bucket has only 7 - (its starts) left in the window.
    const second = (await race(T0 + 2)).flat();
    const starts = byKey([...first, ...second], (j) => j.rateKey);
    expect(starts.get("odd")).toBe(7);
    expect(starts.get("even")).toBe(7);
    const running = await admin!.query(
      `SELECT concurrency_key, count(*)::int AS n FROM "${schema}".jobs WHERE status = 'running' GROUP BY 1`,
    );
    for (const row of running.rows) expect(row.n).toBeLessThanOrEqual(2);
  });

  it("claims through the jobs_line index from its front, and probes jobs_delayed, with no sequential scan", async () => {
    const schema = uniqueSchemaName();
    const store = await open(schema);
    for (let batch = 0; batch < 5; batch += 1) {
      await store.enqueueMany(Array.from({ length: 1000 }, (_, i) => newJob({ tenantId: `t${i % 4}` })));
    }
    await store.enqueueMany(Array.from({ length: 1000 }, () => newJob({ runAt: T0 + DAY })));
    await admin!.query(`ANALYZE "${schema}".jobs`);
    const { claimStatement } = await import("../src/postgres/statements/write.js");
    const { schemaNames } = await import("../src/postgres/statements/names.js");
    const text = claimStatement(schemaNames(schema)).text;
    const client = await admin!.connect();
    try {
      await client.query("BEGIN");
      await client.query(`PREPARE claim_plan AS ${text}`);
      const { rows: plan } = await client.query(
        `EXPLAIN (FORMAT TEXT) EXECUTE claim_plan(${T0}, '{${TYPE}}', 20, 'w', 1000, 'o', 'c')`,
      );
      const lines = plan.map((row) => row["QUERY PLAN"] as string).join("\n");
      expect(lines).toMatch(/Index Scan using jobs_line on jobs/);
      expect(lines).toMatch(
        /Index Only Scan using jobs_delayed on jobs|Index Scan using jobs_delayed on jobs/,
      );
      expect(lines).not.toMatch(/Seq Scan on jobs/);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("keeps delayed jobs out of the line until due, then places more than one batch of them and takes the best first", async () => {
    const schema = uniqueSchemaName();
    const store = await open(schema);
    const later = T0 + 60_000;
    await store.enqueueMany(
      Array.from({ length: 1200 }, (_, i) => newJob({ tenantId: `t${i % 3}`, runAt: later })),
    );
    const urgent = newJob({ tenantId: "t9", runAt: later + 1, priority: 5 });
    await store.enqueue(urgent);
    await store.enqueueMany(Array.from({ length: 5 }, () => newJob()));
    expect(await rows(schema, "fair_round IS NOT NULL AND status = 'pending'")).toHaveLength(5);
    expect(await claimOf(store, { limit: 10 })).toHaveLength(5);
    const [first, ...rest] = await claimOf(store, { limit: 10, now: later + 1 });
    expect(first?.id).toBe(urgent.id);
    expect(rest).toHaveLength(9);
    // Every due job was placed (two batches), a tenant's in run_at then enqueue order.
    expect(await rows(schema, "status = 'pending' AND fair_round IS NULL")).toHaveLength(0);
    // Round-robin across the three tenants of the delayed backlog.
    expect(new Set(rest.slice(0, 3).map((j) => j.tenantId)).size).toBe(3);
  });

  it("a job released into a band that emptied and started over goes back to the front", async () => {
    const store = await open(uniqueSchemaName());
    await store.enqueueMany(Array.from({ length: 5 }, () => newJob()));
    const claimed = await claimOf(store, { limit: 5 });
    const held = claimed[4] as JobRecord; // the last of the line: round 4
    for (const job of claimed.slice(0, 4)) await store.complete(leaseOf(job), null, T0 + 1, DAY);
    // Nothing pending: tenant_b's new line starts at round 0.
    await store.enqueueMany(Array.from({ length: 10 }, () => newJob({ tenantId: OTHER_TENANT })));
    expect(await store.release(leaseOf(held), T0 + 2)).toBe(true);
    const [next] = await claimOf(store, { now: T0 + 2 });
    expect(next?.id).toBe(held.id);
  });

  it("a limited claim finds another key's job behind a 2,000-job backlog of a full key, in strict fifo order too", async () => {
    const store = await open(uniqueSchemaName(), "lf_test", 0, "fifo");
    await store.enqueueMany(Array.from({ length: 2000 }, () => newJob({ concurrencyKey: "busy" })));
    const quiet = newJob({ concurrencyKey: "quiet" });
    await store.enqueue(quiet);
    const limits = { [TYPE]: { concurrency: 1 } };
    expect((await claimOf(store, { limit: 5, limits })).map((j) => j.concurrencyKey)).toEqual([
      "busy",
      "quiet",
    ]);
    expect(await claimOf(store, { limit: 5, limits })).toEqual([]);
    const pending = await store.countByStatus(TENANT);
    expect(pending).toMatchObject({ pending: 1999, running: 2 });
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
