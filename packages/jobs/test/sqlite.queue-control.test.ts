import { describe, expect, it } from "vitest";
import { createSqliteStore, type SqliteStoreOptions } from "../src/sqlite/index.js";
import { migrate, SCHEMA_VERSION, tableNames } from "../src/sqlite/schema.js";
import type { ClaimRequest, JobRecord, JobStore } from "../src/types.js";
import { leaseOf, newJob, OTHER_TENANT, T0, TENANT, TYPE } from "./conformance/harness.js";
import { useSqliteFiles } from "./support/sqlite-files.js";

// What the conformance suite cannot see of queue control on SQLite: the rows and indexes behind the
// order, the limited claim's paging, the migration of an older file, and several connections
// (as several processes would have) on one file.

const { freshPath, open, connect } = useSqliteFiles("lf-sqlite-qc-");

const claim = (store: JobStore, overrides: Partial<ClaimRequest> = {}) =>
  store.claim({ workerId: "w1", limit: 10, leaseMs: 60_000, now: T0, types: [TYPE], ...overrides });

const jobsOf = (tenantId: string, n: number) =>
  Array.from({ length: n }, (_, i) => newJob({ tenantId, input: { i } }));

const label = (job: JobRecord) => `${job.tenantId}:${(job.input as { i: number }).i}`;

describe("sqlite store: the claim's index", () => {
  it("claims by walking jobs_pending_order in claim order, with no sort", async () => {
    const path = freshPath();
    const store = await open({ path });
    await store.enqueueMany(Array.from({ length: 50 }, (_, i) => newJob({ priority: i % 3, input: { i } })));
    const db = connect(path);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN UPDATE jobs SET status = 'running' WHERE rowid IN (
           SELECT rowid FROM jobs WHERE status = 'pending' AND fair_round IS NOT NULL AND run_at <= ?
             AND type IN (SELECT value FROM json_each(?))
           ORDER BY priority DESC, fair_round, rowid LIMIT 10)`,
      )
      .all(T0, JSON.stringify([TYPE])) as Array<{ detail: string }>;
    const details = plan.map((row) => row.detail);
    expect(details).toContain("SCAN jobs USING INDEX jobs_pending_order");
    expect(details.some((detail) => detail.includes("TEMP B-TREE"))).toBe(false);
  });

  it("keeps a delayed job out of the claim's index until a claim finds it due", async () => {
    const path = freshPath();
    const store = await open({ path });
    const { job } = await store.enqueue(newJob({ runAt: T0 + 1000 }));
    const db = connect(path);
    const round = db.prepare("SELECT fair_round FROM jobs WHERE id = ?").pluck();
    expect(round.get(job.id)).toBeNull();

    expect(await claim(store, { now: T0 + 999 })).toEqual([]);
    expect(round.get(job.id)).toBeNull();
    expect((await claim(store, { now: T0 + 1000 })).map((j) => j.id)).toEqual([job.id]);
    expect(round.get(job.id)).not.toBeNull();
  });

  it("takes a retry out of line until it is due again, then puts it at the end of its tenant's line", async () => {
    const store = await open();
    await store.enqueueMany(jobsOf(TENANT, 3));
    await store.enqueueMany(jobsOf(OTHER_TENANT, 3));
    const [first] = await claim(store, { limit: 1 });
    expect(label(first as JobRecord)).toBe(`${TENANT}:0`);
    await store.fail(
      leaseOf(first as JobRecord),
      { code: "boom", message: "Boom" },
      { retryAt: T0 + 10, now: T0, retentionMs: 1000 },
    );
    const order = await claim(store, { now: T0 + 10 });
    expect(order.map(label)).toEqual([
      `${OTHER_TENANT}:0`,
      `${TENANT}:1`,
      `${OTHER_TENANT}:1`,
      `${TENANT}:2`,
      `${OTHER_TENANT}:2`,
      `${TENANT}:0`,
    ]);
  });

  it("rejects an unknown fairness, naming the allowed values", () => {
    expect(() =>
      createSqliteStore({ path: freshPath(), fairness: "random" as SqliteStoreOptions["fairness"] }),
    ).toThrow(/"tenant" or "fifo"/);
  });
});

describe("sqlite store: limited claims", () => {
  const oneEach = { limits: { [TYPE]: { concurrency: 1 } } };

  it("pages past more than a page of saturated keys, across priority bands, in claim order", async () => {
    const store = await open();
    // 100 keys with one job running each; 100 more of theirs pending ahead (70 of them in a higher
    // band), then three keyless jobs: the claim must reach those through two pages and two bands.
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    await store.enqueueMany(keys.map((key) => newJob({ concurrencyKey: key, priority: 9 })));
    expect(await claim(store, { limit: 100, ...oneEach })).toHaveLength(100);
    await store.enqueueMany(
      keys.map((key, i) => newJob({ concurrencyKey: key, priority: i < 70 ? 5 : 0, input: { i } })),
    );
    const free = Array.from({ length: 3 }, (_, i) => newJob({ input: { i: 100 + i } }));
    await store.enqueueMany(free);

    const claimed = await claim(store, { limit: 5, ...oneEach });

    expect(claimed.map((j) => j.id)).toEqual(free.map((j) => j.id));
    const pending = await store.countByStatus(TENANT);
    expect(pending).toMatchObject({ pending: 100, running: 103 });
  });

  it("skips a saturated key's job without touching it: same attempts, same place in line", async () => {
    const path = freshPath();
    const store = await open({ path });
    await store.enqueueMany([newJob({ concurrencyKey: "k" }), newJob({ concurrencyKey: "k" })]);
    const db = connect(path);
    const before = db.prepare("SELECT id, attempts, updated_at, fair_round FROM jobs ORDER BY rowid").all();
    const [running] = await claim(store, oneEach);
    expect(await claim(store, { now: T0 + 5, ...oneEach })).toEqual([]);
    const after = db.prepare("SELECT id, attempts, updated_at, fair_round FROM jobs ORDER BY rowid").all();
    expect(after[1]).toEqual(before[1]);
    expect(running?.id).toBe((before[0] as { id: string }).id);
  });

  it("records one start per rate-limited job and prunes the log to the window", async () => {
    const path = freshPath();
    const store = await open({ path });
    await store.enqueueMany(Array.from({ length: 20 }, (_, i) => newJob({ rateKey: "api", input: { i } })));
    const rate = { limits: { [TYPE]: { rate: { max: 3, perMs: 1000 } } } };
    const db = connect(path);
    const logged = db.prepare("SELECT count(*) FROM jobs_rate_starts").pluck();
    let started = 0;
    for (let window = 0; window < 5; window += 1) {
      started += (await claim(store, { now: T0 + window * 1000, ...rate })).length;
      expect(logged.get()).toBe(3);
    }
    expect(started).toBe(15);
  });

  it("counts a start recorded at a later now than the claim's (another process's clock, a lock wait)", async () => {
    const store = await open();
    await store.enqueueMany([newJob({ rateKey: "api" }), newJob({ rateKey: "api" })]);
    const rate = { limits: { [TYPE]: { rate: { max: 1, perMs: 1000 } } } };
    expect(await claim(store, { now: T0 + 1000, ...rate })).toHaveLength(1);
    // (T0 - 500, T0 + 500] holds no start by this claim's clock, but the bucket's log does hold one
    // within perMs of its latest start: a lagging claim must not start a second one in that window.
    expect(await claim(store, { now: T0 + 500, ...rate })).toEqual([]);
    expect(await claim(store, { now: T0 + 2000, ...rate })).toHaveLength(1);
  });
});

describe("sqlite store: several connections on one file", () => {
  it("keeps fair share across connections: the rounds live in the file", async () => {
    const path = freshPath();
    const a = await open({ path });
    const b = await open({ path });
    await a.enqueueMany(jobsOf(TENANT, 3));
    await b.enqueueMany(jobsOf(OTHER_TENANT, 3));
    expect((await claim(a)).map(label)).toEqual([
      `${TENANT}:0`,
      `${OTHER_TENANT}:0`,
      `${TENANT}:1`,
      `${OTHER_TENANT}:1`,
      `${TENANT}:2`,
      `${OTHER_TENANT}:2`,
    ]);
  });

  it("never exceeds a concurrency limit with claimers racing on three connections", async () => {
    const path = freshPath();
    const stores = [await open({ path }), await open({ path }), await open({ path })];
    const keys = ["k1", "k2", "k3", "k4"];
    await stores[0]?.enqueueMany(
      Array.from({ length: 80 }, (_, i) => newJob({ concurrencyKey: keys[i % 4] as string, input: { i } })),
    );
    const limits = { [TYPE]: { concurrency: 2 } };
    const claimed = await Promise.all(
      stores.flatMap((store, s) =>
        [0, 1].map(async (n) => {
          const mine: JobRecord[] = [];
          for (;;) {
            const batch = await claim(store, { workerId: `w${s}.${n}`, limit: 3, limits });
            if (batch.length === 0) return mine;
            mine.push(...batch);
          }
        }),
      ),
    );
    const all = claimed.flat();
    for (const key of keys) expect(all.filter((j) => j.concurrencyKey === key)).toHaveLength(2);
  });

  it("lets exactly one of several connections advance a schedule's fire time", async () => {
    const path = freshPath();
    const stores = [await open({ path }), await open({ path }), await open({ path })];
    await stores[0]?.saveSchedule(
      {
        name: "nightly",
        task: TYPE,
        cron: "0 3 * * *",
        timezone: null,
        input: {},
        tenantId: TENANT,
        createdAt: T0,
      },
      T0,
    );
    const won = await Promise.all(stores.map((store) => store.advanceSchedule("nightly", T0 + 60_000, T0)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});

describe("sqlite store: a file from before queue control", () => {
  it("migrates it: old jobs get priority 0 and no keys, and a tenant's pending ones keep their runAt order", async () => {
    const path = freshPath();
    const db = connect(path);
    migrate(db, tableNames(""), 1);
    const insert = db.prepare(
      `INSERT INTO jobs (id, tenant_id, type, status, input, max_attempts, run_at, created_at, updated_at)
       VALUES (?, ?, ?, 'pending', '{}', 3, ?, ?, ?)`,
    );
    insert.run("job_late", TENANT, TYPE, T0 - 10, T0 - 10, T0 - 10);
    insert.run("job_early", TENANT, TYPE, T0 - 20, T0 - 20, T0 - 20);

    const store = await open({ path });
    expect(await store.get(null, "job_late")).toMatchObject({
      priority: 0,
      concurrencyKey: null,
      rateKey: null,
      traceContext: null,
    });
    const claimed = await claim(store);
    expect(claimed.map((j) => j.id)).toEqual(["job_early", "job_late"]);
    expect(db.prepare("SELECT max(version) FROM jobs_migrations").pluck().get()).toBe(SCHEMA_VERSION);
  });
});
