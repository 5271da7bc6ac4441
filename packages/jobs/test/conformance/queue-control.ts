import { describe, expect, it } from "vitest";
import type { ClaimRequest, JobRecord, JobStore, NewJob, TypeLimits } from "../../src/types.js";
import { leaseOf, newJob, OTHER_TENANT, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

const THIRD_TENANT = "tenant_c";

function claimFrom(store: JobStore, overrides: Partial<ClaimRequest> = {}): Promise<JobRecord[]> {
  return store.claim({ workerId: "w1", limit: 1, leaseMs: 30_000, now: T0, types: [TYPE], ...overrides });
}

/** Claims one job at a time until none is left; returns the jobs in claim order. */
function drainOneByOne(store: JobStore, overrides: Partial<ClaimRequest> = {}): Promise<JobRecord[]> {
  return drainInBatches(store, { ...overrides, limit: 1 });
}

/** One racing claimer: claims batches until a claim comes back empty. */
async function drainInBatches(store: JobStore, overrides: Partial<ClaimRequest>): Promise<JobRecord[]> {
  const mine: JobRecord[] = [];
  for (;;) {
    const batch = await claimFrom(store, overrides);
    if (batch.length === 0) return mine;
    mine.push(...batch);
  }
}

function jobsOf(tenantId: string, n: number, extra: Partial<NewJob> = {}): NewJob[] {
  return Array.from({ length: n }, (_, i) => newJob({ tenantId, input: { tenant: tenantId, i }, ...extra }));
}

const label = (job: JobRecord) => `${job.tenantId}:${(job.input as { i: number }).i}`;

const limited = (limits: TypeLimits): Partial<ClaimRequest> => ({ limits: { [TYPE]: limits } });

export function queueControlTests(h: StoreHarness): void {
  describe("priority", () => {
    it("stores the priority (default 0) and claims higher priority first, equal priority in order", async () => {
      const low = newJob();
      const high = newJob({ priority: 10 });
      const low2 = newJob();
      const mid = newJob({ priority: 5 });
      await h.store.enqueueMany([low, high, low2, mid]);
      expect((await h.store.get(null, low.id))?.priority).toBe(0);
      expect((await h.store.get(null, high.id))?.priority).toBe(10);
      const order = await drainOneByOne(h.store);
      expect(order.map((j) => j.id)).toEqual([high.id, mid.id, low.id, low2.id]);
    });

    it("a batch claim returns its jobs in claim order", async () => {
      const a = newJob();
      const b = newJob({ priority: 3 });
      const c = newJob({ priority: 1 });
      await h.store.enqueueMany([a, b, c]);
      const batch = await claimFrom(h.store, { limit: 3 });
      expect(batch.map((j) => j.id)).toEqual([b.id, c.id, a.id]);
    });

    it("priority comes before fair share: a tenant's high-priority jobs all run before other tenants' normal ones", async () => {
      await h.store.enqueueMany(jobsOf(TENANT, 3));
      await h.store.enqueueMany(jobsOf(OTHER_TENANT, 3, { priority: 2 }));
      const order = await drainOneByOne(h.store);
      expect(order.map((j) => j.tenantId)).toEqual([
        OTHER_TENANT,
        OTHER_TENANT,
        OTHER_TENANT,
        TENANT,
        TENANT,
        TENANT,
      ]);
    });
  });

  describe("fair share across tenants (the default)", () => {
    it("takes tenants round-robin, each tenant's jobs in enqueue order", async () => {
      await h.store.enqueueMany(jobsOf(TENANT, 3));
      await h.store.enqueueMany(jobsOf(OTHER_TENANT, 3));
      await h.store.enqueueMany(jobsOf(THIRD_TENANT, 3));
      const order = await drainOneByOne(h.store);
      expect(order.map(label)).toEqual([
        "tenant_a:0",
        "tenant_b:0",
        "tenant_c:0",
        "tenant_a:1",
        "tenant_b:1",
        "tenant_c:1",
        "tenant_a:2",
        "tenant_b:2",
        "tenant_c:2",
      ]);
    });

    it("a new tenant's job waits at most one job behind another tenant's 500-job backlog", async () => {
      await h.store.enqueueMany(jobsOf(TENANT, 500));
      const first = await claimFrom(h.store, { limit: 10 });
      expect(first.map(label)).toEqual(Array.from({ length: 10 }, (_, i) => `tenant_a:${i}`));
      const newcomer = newJob({ tenantId: OTHER_TENANT, input: { tenant: OTHER_TENANT, i: 0 } });
      await h.store.enqueue(newcomer);
      const next = await claimFrom(h.store, { limit: 2 });
      expect(next.map((j) => j.id)).toContain(newcomer.id);
    });

    it("interleaves a tenant's bulk enqueue into a backlog instead of queueing it behind", async () => {
      await h.store.enqueueMany(jobsOf(TENANT, 100));
      await claimFrom(h.store, { limit: 20 });
      await h.store.enqueueMany(jobsOf(OTHER_TENANT, 5));
      const next = await claimFrom(h.store, { limit: 10 });
      expect(next.filter((j) => j.tenantId === OTHER_TENANT)).toHaveLength(5);
      expect(next.filter((j) => j.tenantId === TENANT).map(label)).toEqual([
        "tenant_a:20",
        "tenant_a:21",
        "tenant_a:22",
        "tenant_a:23",
        "tenant_a:24",
      ]);
    });

    it("a tenant that ran much before gets no debt: after its backlog drained, its new job is not queued behind others", async () => {
      await h.store.enqueueMany(jobsOf(TENANT, 50));
      expect(await claimFrom(h.store, { limit: 50 })).toHaveLength(50);
      await h.store.enqueueMany(jobsOf(OTHER_TENANT, 20));
      const back = newJob({ tenantId: TENANT, input: { tenant: TENANT, i: 50 } });
      await h.store.enqueue(back);
      const next = await claimFrom(h.store, { limit: 2 });
      expect(next.map((j) => j.id)).toContain(back.id);
    });

    it("a tenant that waited gets no credit: joining a backlog, it alternates with it instead of running alone", async () => {
      await h.store.enqueueMany(jobsOf(TENANT, 100));
      expect(await claimFrom(h.store, { limit: 50 })).toHaveLength(50);
      await h.store.enqueueMany(jobsOf(THIRD_TENANT, 10));
      const next = await claimFrom(h.store, { limit: 4 });
      expect(next.map((j) => j.tenantId).sort()).toEqual([TENANT, TENANT, THIRD_TENANT, THIRD_TENANT]);
    });

    it("a delayed job, once due, is claimed in turn and does not hold back due jobs while it waits", async () => {
      const delayed = newJob({
        tenantId: OTHER_TENANT,
        runAt: T0 + 60_000,
        input: { tenant: OTHER_TENANT, i: 0 },
      });
      await h.store.enqueue(delayed);
      await h.store.enqueueMany(jobsOf(TENANT, 40));
      const early = await claimFrom(h.store, { limit: 20 });
      expect(early.map((j) => j.tenantId)).toEqual(Array(20).fill(TENANT));
      const due = await claimFrom(h.store, { limit: 2, now: T0 + 60_000 });
      expect(due.map((j) => j.id)).toContain(delayed.id);
    });

    it("a released job keeps its place at the front of its tenant's line", async () => {
      await h.store.enqueueMany(jobsOf(TENANT, 3));
      await h.store.enqueueMany(jobsOf(OTHER_TENANT, 3));
      const [first] = await claimFrom(h.store);
      expect(first && label(first)).toBe("tenant_a:0");
      expect(await h.store.release(leaseOf(first as JobRecord), T0)).toBe(true);
      const order = await drainOneByOne(h.store);
      expect(order.map(label).slice(0, 3)).toEqual(["tenant_a:0", "tenant_b:0", "tenant_a:1"]);
    });
  });

  describe('fairness "fifo"', () => {
    it("claims in strict runAt then enqueue order, whatever the tenant", async () => {
      const store = await h.variant({ fairness: "fifo" });
      const a = jobsOf(TENANT, 3);
      const b = jobsOf(OTHER_TENANT, 2);
      const late = newJob({ tenantId: THIRD_TENANT, runAt: T0 + 5, input: { tenant: THIRD_TENANT, i: 0 } });
      const early = newJob({ tenantId: THIRD_TENANT, runAt: T0 - 5, input: { tenant: THIRD_TENANT, i: 1 } });
      await store.enqueueMany(a);
      await store.enqueueMany([late, ...b, early]);
      const order = await drainOneByOne(store, { now: T0 + 10 });
      expect(order.map((j) => j.id)).toEqual([
        early.id,
        ...a.map((j) => j.id),
        ...b.map((j) => j.id),
        late.id,
      ]);
    });

    it("still puts higher priority first", async () => {
      const store = await h.variant({ fairness: "fifo" });
      const a = newJob();
      const b = newJob({ priority: 1, runAt: T0 + 1 });
      await store.enqueueMany([a, b]);
      const order = await drainOneByOne(store, { now: T0 + 10 });
      expect(order.map((j) => j.id)).toEqual([b.id, a.id]);
    });
  });

  describe("concurrency keys", () => {
    it("stores the keys on the job", async () => {
      const job = newJob({ concurrencyKey: "company:1", rateKey: "openai" });
      await h.store.enqueue(job);
      expect(await h.store.get(null, job.id)).toMatchObject({
        concurrencyKey: "company:1",
        rateKey: "openai",
      });
      const plain = newJob();
      await h.store.enqueue(plain);
      expect(await h.store.get(null, plain.id)).toMatchObject({ concurrencyKey: null, rateKey: null });
    });

    it("never runs more than `limit` jobs per key, counting the jobs one claim takes, and skips to other keys", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 6 }, (_, i) => newJob({ concurrencyKey: "k1", input: { i } })),
      );
      await h.store.enqueueMany(
        Array.from({ length: 6 }, (_, i) => newJob({ concurrencyKey: "k2", input: { i } })),
      );
      const first = await claimFrom(h.store, { limit: 10, ...limited({ concurrency: 2 }) });
      const perKey = (jobs: JobRecord[], key: string) => jobs.filter((j) => j.concurrencyKey === key).length;
      expect(perKey(first, "k1")).toBe(2);
      expect(perKey(first, "k2")).toBe(2);
      expect(await claimFrom(h.store, { limit: 10, ...limited({ concurrency: 2 }) })).toEqual([]);
      const done = first.find((j) => j.concurrencyKey === "k1") as JobRecord;
      expect(await h.store.complete(leaseOf(done), null, T0 + 1, 60_000)).toBe(true);
      const next = await claimFrom(h.store, { limit: 10, now: T0 + 2, ...limited({ concurrency: 2 }) });
      expect(next.map((j) => j.concurrencyKey)).toEqual(["k1"]);
      const skipped = await h.store.list({ tenantId: TENANT, status: "pending" });
      for (const job of skipped.jobs) expect(job.attempts).toBe(0);
    });

    it("a saturated key does not starve another key queued behind its backlog", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 300 }, (_, i) => newJob({ concurrencyKey: "busy", input: { i } })),
      );
      const other = newJob({ concurrencyKey: "quiet" });
      await h.store.enqueue(other);
      const first = await claimFrom(h.store, { limit: 5, ...limited({ concurrency: 1 }) });
      expect(first.map((j) => j.concurrencyKey).sort()).toEqual(["busy", "quiet"]);
    });

    it("counts per job type: the same key under another type is another counter", async () => {
      await h.store.enqueueMany([
        newJob({ concurrencyKey: "k" }),
        newJob({ concurrencyKey: "k" }),
        newJob({ type: "other_task", concurrencyKey: "k" }),
      ]);
      const claimed = await claimFrom(h.store, {
        limit: 10,
        types: [TYPE, "other_task"],
        limits: { [TYPE]: { concurrency: 1 }, other_task: { concurrency: 1 } },
      });
      expect(claimed.map((j) => j.type).sort()).toEqual(["conformance_task", "other_task"]);
    });

    it("ignores keys of types without a limit in the request, and jobs without a key", async () => {
      await h.store.enqueueMany([
        newJob({ concurrencyKey: "k" }),
        newJob({ concurrencyKey: "k" }),
        newJob(),
        newJob(),
      ]);
      expect(
        await claimFrom(h.store, { limit: 10, limits: { other_task: { concurrency: 1 } } }),
      ).toHaveLength(4);
    });

    it("a keyless job of a limited type is not counted", async () => {
      await h.store.enqueueMany([
        newJob({ concurrencyKey: "k" }),
        newJob({ concurrencyKey: "k" }),
        newJob(),
        newJob(),
      ]);
      expect(await claimFrom(h.store, { limit: 10, ...limited({ concurrency: 1 }) })).toHaveLength(3);
    });

    it("a crashed worker's slot stays taken while its lease is unexpired-or-unreclaimed and frees when reclaimed", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 3 }, (_, i) => newJob({ concurrencyKey: "k", input: { i } })),
      );
      const held = await claimFrom(h.store, { limit: 3, leaseMs: 1000, ...limited({ concurrency: 1 }) });
      expect(held).toHaveLength(1);
      // The worker is killed: no heartbeat, no outcome. Past its lease, the job still counts until reclaimed.
      expect(await claimFrom(h.store, { limit: 3, now: T0 + 5000, ...limited({ concurrency: 1 }) })).toEqual(
        [],
      );
      expect(await h.store.reclaimExpiredLeases(T0 + 5000, 60_000, () => T0 + 5000)).toBe(1);
      const after = await claimFrom(h.store, { limit: 3, now: T0 + 5001, ...limited({ concurrency: 1 }) });
      expect(after).toHaveLength(1);
    });

    it("a cancelled running job frees its slot", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 2 }, (_, i) => newJob({ concurrencyKey: "k", input: { i } })),
      );
      const [running] = await claimFrom(h.store, { limit: 2, ...limited({ concurrency: 1 }) });
      expect(await h.store.cancel(TENANT, (running as JobRecord).id, T0 + 1, 60_000)).not.toBeNull();
      expect(
        await claimFrom(h.store, { limit: 2, now: T0 + 2, ...limited({ concurrency: 1 }) }),
      ).toHaveLength(1);
    });

    it("racing claimers never exceed the limit per key", async () => {
      const keys = ["k1", "k2", "k3"];
      await h.store.enqueueMany(
        Array.from({ length: 60 }, (_, i) => newJob({ concurrencyKey: keys[i % 3] as string, input: { i } })),
      );
      const rounds = await Promise.all(
        ["w1", "w2", "w3", "w4", "w5", "w6"].map((workerId) =>
          drainInBatches(h.store, { workerId, limit: 4, ...limited({ concurrency: 3 }) }),
        ),
      );
      const all = rounds.flat();
      for (const key of keys) expect(all.filter((j) => j.concurrencyKey === key)).toHaveLength(3);
      const page = await h.store.list({ tenantId: TENANT, status: "running", limit: 500 });
      for (const key of keys) expect(page.jobs.filter((j) => j.concurrencyKey === key)).toHaveLength(3);
    });
  });

  describe("rate limits", () => {
    const rate = (max: number, perMs: number) => limited({ rate: { max, perMs } });

    it("starts at most `max` jobs per sliding window per key; the rest stay pending with no attempt used", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 10 }, (_, i) => newJob({ rateKey: "api", input: { i } })),
      );
      expect(await claimFrom(h.store, { limit: 10, ...rate(3, 1000) })).toHaveLength(3);
      expect(await claimFrom(h.store, { limit: 10, now: T0 + 999, ...rate(3, 1000) })).toEqual([]);
      const pending = await h.store.list({ tenantId: TENANT, status: "pending" });
      expect(pending.jobs).toHaveLength(7);
      for (const job of pending.jobs) expect(job.attempts).toBe(0);
      expect(await claimFrom(h.store, { limit: 10, now: T0 + 1000, ...rate(3, 1000) })).toHaveLength(3);
    });

    it("the window slides: starts leave it one by one, perMs after each", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 10 }, (_, i) => newJob({ rateKey: "api", input: { i } })),
      );
      expect(await claimFrom(h.store, { limit: 2, ...rate(3, 1000) })).toHaveLength(2);
      expect(await claimFrom(h.store, { limit: 5, now: T0 + 500, ...rate(3, 1000) })).toHaveLength(1);
      // At T0+1000 the two starts of T0 have left (window (T0, T0+1000]), the one of T0+500 has not.
      expect(await claimFrom(h.store, { limit: 5, now: T0 + 1000, ...rate(3, 1000) })).toHaveLength(2);
      expect(await claimFrom(h.store, { limit: 5, now: T0 + 1499, ...rate(3, 1000) })).toEqual([]);
      expect(await claimFrom(h.store, { limit: 5, now: T0 + 1500, ...rate(3, 1000) })).toHaveLength(1);
    });

    it("counts starts, not running jobs: finishing a job does not give its start back", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 3 }, (_, i) => newJob({ rateKey: "api", input: { i } })),
      );
      const [job] = await claimFrom(h.store, { limit: 3, ...rate(1, 60_000) });
      expect(await h.store.complete(leaseOf(job as JobRecord), null, T0 + 1, 60_000)).toBe(true);
      expect(await claimFrom(h.store, { limit: 3, now: T0 + 2, ...rate(1, 60_000) })).toEqual([]);
    });

    it("has one bucket per key; a full bucket does not hold back other keys", async () => {
      await h.store.enqueueMany(Array.from({ length: 50 }, (_, i) => newJob({ rateKey: "a", input: { i } })));
      await h.store.enqueueMany([newJob({ rateKey: "b" }), newJob({ rateKey: "b" })]);
      const claimed = await claimFrom(h.store, { limit: 10, ...rate(1, 1000) });
      expect(claimed.map((j) => j.rateKey).sort()).toEqual(["a", "b"]);
    });

    it("blockRateKey holds the bucket until the given time, keeping the later of two blocks", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 3 }, (_, i) => newJob({ rateKey: "api", input: { i } })),
      );
      await h.store.blockRateKey(TYPE, "api", T0 + 5000);
      await h.store.blockRateKey(TYPE, "api", T0 + 2000);
      expect(await claimFrom(h.store, { limit: 3, now: T0 + 4999, ...rate(10, 1000) })).toEqual([]);
      expect(await claimFrom(h.store, { limit: 3, now: T0 + 5000, ...rate(10, 1000) })).toHaveLength(3);
    });

    it("racing claimers never start more than `max` in the window", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 40 }, (_, i) => newJob({ rateKey: "api", input: { i } })),
      );
      const rounds = await Promise.all(
        ["w1", "w2", "w3", "w4", "w5", "w6"].map((workerId) =>
          drainInBatches(h.store, { workerId, limit: 5, ...rate(7, 10_000) }),
        ),
      );
      expect(rounds.flat()).toHaveLength(7);
    });

    it("combines with a concurrency limit: a job is claimed only within both", async () => {
      await h.store.enqueueMany(
        Array.from({ length: 10 }, (_, i) => newJob({ concurrencyKey: "c", rateKey: "r", input: { i } })),
      );
      const both = limited({ concurrency: 2, rate: { max: 3, perMs: 1000 } });
      const first = await claimFrom(h.store, { limit: 10, ...both });
      expect(first).toHaveLength(2);
      for (const job of first) await h.store.complete(leaseOf(job), null, T0 + 1, 60_000);
      expect(await claimFrom(h.store, { limit: 10, now: T0 + 2, ...both })).toHaveLength(1);
    });
  });
}
