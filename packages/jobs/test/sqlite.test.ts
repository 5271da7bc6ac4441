import { statSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { isJobsError } from "../src/errors.js";
import { createSqliteStore } from "../src/sqlite/index.js";
import type { JobRecord, JobStore, Lease } from "../src/types.js";
import { eventually, newJob, T0, TENANT, TYPE } from "./conformance/harness.js";
import { useSqliteFiles } from "./support/sqlite-files.js";

// What the conformance suite cannot see: how this store uses SQLite (batching, files, locks, schema).

const { freshPath, open, connect } = useSqliteFiles("lf-sqlite-");

const leaseOf = (job: JobRecord): Lease => ({
  jobId: job.id,
  workerId: job.leaseOwner!,
  attempt: job.attempts,
});
const claimAll = (store: JobStore, now = T0) =>
  store.claim({ workerId: "w1", limit: 100, leaseMs: 30_000, now, types: [TYPE] });

describe("sqlite store: write batching", () => {
  it("commits the writes issued in one event-loop turn in one transaction", async () => {
    const db = connect(freshPath());
    // Count the runs of every transaction body the store makes on this connection.
    let transactions = 0;
    const original = db.transaction.bind(db);
    vi.spyOn(db, "transaction").mockImplementation((fn) =>
      original((...args: unknown[]) => {
        transactions += 1;
        return fn(...args);
      }),
    );
    const store = await open({ database: db });
    await store.enqueueMany(Array.from({ length: 10 }, () => newJob()));
    const jobs = await claimAll(store);
    transactions = 0;

    const results = await Promise.all(
      jobs.map((job) => store.complete(leaseOf(job), { ok: true }, T0 + 1, 1000)),
    );

    expect(results).toEqual(Array(10).fill(true));
    expect(transactions).toBe(1);
  });

  it("answers each caller of a batch with its own result", async () => {
    const store = await open();
    await store.enqueueMany([newJob(), newJob()]);
    const [a, b] = await claimAll(store);
    const stale: Lease = { ...leaseOf(a!), attempt: 7 };

    const results = await Promise.all([
      store.complete(leaseOf(a!), 1, T0 + 1, 1000),
      store.complete(stale, 2, T0 + 1, 1000),
      store.updateProgress(leaseOf(b!), 40, "Half way", T0 + 1),
      store.extendLease({ ...leaseOf(b!), workerId: "someone else" }, 1000, T0 + 1),
    ]);

    expect(results).toEqual([true, false, true, false]);
    expect(await store.get(null, a!.id)).toMatchObject({ status: "complete", result: 1 });
    expect(await store.get(null, b!.id)).toMatchObject({ progress: 40, message: "Half way" });
  });

  it("rejects only the write that failed; the rest of its batch commits", async () => {
    const store = await open();
    const taken = newJob();
    await store.enqueue(taken);

    const [fresh, duplicate] = await Promise.allSettled([
      store.enqueue(newJob()),
      store.enqueue(newJob({ id: taken.id })),
    ]);

    expect(fresh.status).toBe("fulfilled");
    expect(duplicate.status === "rejected" && isJobsError(duplicate.reason, "conflict")).toBe(true);
    expect((await store.countByStatus(TENANT)).pending).toBe(2);
  });

  it("runs a claim issued in the same turn after the writes before it, in the same transaction", async () => {
    const store = await open();
    await store.enqueue(newJob());
    const [job] = await claimAll(store);

    const [failed, reclaimed] = await Promise.all([
      store.fail(
        leaseOf(job!),
        { code: "boom", message: "Boom" },
        { retryAt: T0 + 1, now: T0 + 1, retentionMs: 1 },
      ),
      claimAll(store, T0 + 1),
    ]);

    expect(failed).toBe(true);
    expect(reclaimed.map((j) => [j.id, j.attempts])).toEqual([[job!.id, 2]]);
  });

  it("waits for a lock held across awaits by another connection of this process, without freezing it", async () => {
    const path = freshPath();
    const store = await open({ path });
    const other = connect(path);
    other.exec("BEGIN IMMEDIATE");

    const enqueued = store.enqueue(newJob());
    // The other connection's transaction can only finish if this process's event loop keeps running.
    await new Promise<void>((resolve) => setTimeout(resolve, 30));
    other.exec("COMMIT");

    await expect(enqueued).resolves.toMatchObject({ created: true });
    expect((await store.countByStatus(TENANT)).pending).toBe(1);
  });

  it("keeps the order of writes issued while a batch waits for the lock", async () => {
    const path = freshPath();
    const store = await open({ path });
    const other = connect(path);
    other.exec("BEGIN IMMEDIATE");
    const job = newJob();
    const first = store.enqueue(job);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
    const second = store.cancel(TENANT, job.id, T0 + 1, 1000);
    other.exec("COMMIT");

    await first;
    expect(await second).toMatchObject({ id: job.id, status: "cancelled" });
  });

  it("fails every write of a batch with store_unavailable when another process holds the lock too long", async () => {
    const path = freshPath();
    const store = await open({ path, busyTimeoutMs: 20 });
    const other = connect(path);
    other.exec("BEGIN IMMEDIATE");

    const results = await Promise.allSettled([store.enqueue(newJob()), store.enqueue(newJob())]);
    other.exec("ROLLBACK");

    for (const result of results) {
      expect(result.status === "rejected" && isJobsError(result.reason, "store_unavailable")).toBe(true);
    }
    expect((await store.countByStatus(TENANT)).pending).toBe(0);
    await expect(store.enqueue(newJob())).resolves.toMatchObject({ created: true });
  });
});

describe("sqlite store: the file", () => {
  it("keeps jobs across a close and reopen (durable)", async () => {
    const path = freshPath();
    const first = createSqliteStore({ path });
    const { job } = await first.enqueue(newJob({ input: { company_id: 7 } }));
    await first.close();

    const second = await open({ path });
    expect(second.capabilities.durable).toBe(true);
    expect(await second.get(TENANT, job.id)).toMatchObject({ status: "pending", input: { company_id: 7 } });
  });

  it("uses WAL, synchronous NORMAL by default and FULL when asked", async () => {
    const normal = connect(freshPath());
    await open({ database: normal });
    expect(normal.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(normal.pragma("synchronous", { simple: true })).toBe(1);

    const full = connect(freshPath());
    await open({ database: full, synchronous: "FULL" });
    expect(full.pragma("synchronous", { simple: true })).toBe(2);
  });

  it("records each migration once in its ledger, however many stores open the file", async () => {
    const path = freshPath();
    await open({ path });
    await open({ path });
    const db = connect(path);
    expect(db.prepare("SELECT version FROM jobs_migrations ORDER BY version").pluck().all()).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  it("keeps stores with different table prefixes in one file apart", async () => {
    const path = freshPath();
    const a = await open({ path, tablePrefix: "a_" });
    const b = await open({ path, tablePrefix: "b_" });
    const { job } = await a.enqueue(newJob());
    expect(await b.get(null, job.id)).toBeNull();
    expect((await a.get(null, job.id))?.id).toBe(job.id);
  });

  it("refuses a table prefix that is not a plain identifier, saying what is allowed", () => {
    expect(() => createSqliteStore({ path: freshPath(), tablePrefix: "x; DROP TABLE y" })).toThrow(
      /letters, digits and underscores/,
    );
  });

  it("checkpoints the WAL in a background thread once in use, not inside commits", async () => {
    const path = freshPath();
    const db = connect(path);
    const store = await open({ database: db });
    const sizeBefore = statSync(path).size;

    for (let n = 0; n < 80; n += 1) await store.enqueue(newJob());

    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    // The rows reach the database file itself only through a checkpoint.
    await eventually(() => expect(statSync(path).size).toBeGreaterThan(sizeBefore));
  });

  it("does not close a connection it was given", async () => {
    const db = connect(freshPath());
    const store = createSqliteStore({ database: db });
    await store.init();
    await store.close();
    expect(db.open).toBe(true);
  });
});
