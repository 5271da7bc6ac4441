import { Redis } from "ioredis";
import { afterAll, afterEach, expect, it } from "vitest";
import { createRedisStore, type RedisJobStore } from "../src/redis/index.js";
import type { JobRecord, Lease } from "../src/types.js";
import { DAY, newJob, T0, TYPE } from "./conformance/harness.js";
import { deleteKeys } from "./support/redis-keys.js";
import { seeded } from "./support/seeded.js";
import { describeIfService, REDIS_URL, redisAvailable, uniqueRedisPrefix } from "./support/services.js";

// Reclaim finds dead workers' jobs only through the running-by-lease-expiry zset (P:running). A job
// that is `running` but missing there (or scored later than its lease) would stay running forever.
// These tests interleave every lease write — including stale ones from attempts that already lost
// their lease — and check that index against the job hashes after each step.

const available = await redisAvailable();
const admin = available ? new Redis(REDIS_URL) : null;
const opened: { store: RedisJobStore; prefix: string }[] = [];

afterEach(async () => {
  for (const { store, prefix } of opened.splice(0).reverse()) {
    await store.close();
    if (admin) await deleteKeys(admin, prefix);
  }
});
afterAll(async () => {
  await admin?.quit();
});

async function open(): Promise<{ store: RedisJobStore; prefix: string }> {
  const prefix = uniqueRedisPrefix();
  const store = createRedisStore({ url: REDIS_URL, prefix });
  opened.push({ store, prefix });
  await store.init();
  return { store, prefix };
}

/** Running jobs whose index entry is missing or disagrees with leaseExpiresAt, and stray entries. */
async function indexProblems(prefix: string, ids: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const indexed = new Map<string, number>();
  const flat = await admin!.zrange(`${prefix}:running`, 0, -1, "WITHSCORES");
  for (let i = 0; i < flat.length; i += 2) indexed.set(flat[i]!, Number(flat[i + 1]));
  const reads = admin!.pipeline();
  for (const id of ids) reads.hmget(`${prefix}:job:${id}`, "status", "leaseExpiresAt");
  const rows = (await reads.exec()) ?? [];
  ids.forEach((id, i) => {
    const [status, expiry] = (rows[i]?.[1] ?? [null, null]) as [string | null, string | null];
    const score = indexed.get(id);
    indexed.delete(id);
    if (status === "running" && score !== Number(expiry))
      problems.push(`${id} running, lease ${expiry}, index ${score}`);
    if (status !== "running" && score !== undefined) problems.push(`${id} ${status} but indexed`);
  });
  for (const id of indexed.keys()) problems.push(`${id} indexed without a job`);
  return problems;
}

const leaseOf = (job: JobRecord): Lease => ({
  jobId: job.id,
  workerId: job.leaseOwner!,
  attempt: job.attempts,
});

describeIfService("redis store: the lease-expiry index", available, () => {
  it("stale writes (extend, progress, complete, fail, release) from an attempt that lost its lease never re-index or finish the job", async () => {
    const { store, prefix } = await open();
    const ids = (await store.enqueueMany([newJob()])).map((r) => r.job.id);
    const [first] = await store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
    const stale = leaseOf(first!);
    expect(await store.reclaimExpiredLeases(T0 + 2000, DAY, () => T0 + 2000)).toBe(1);
    const [second] = await store.claim({
      workerId: "w2",
      limit: 1,
      leaseMs: 5000,
      now: T0 + 2000,
      types: [TYPE],
    });
    expect(await store.extendLease(stale, 60_000, T0 + 2100)).toBe(false);
    expect(await store.updateProgress(stale, 50, "stale", T0 + 2100)).toBe(false);
    expect(await store.complete(stale, { stale: true }, T0 + 2100, DAY, "stale")).toBe(false);
    expect(
      await store.fail(stale, { code: "x", message: "stale" }, { now: T0 + 2100, retentionMs: DAY }),
    ).toBe(false);
    expect(await store.release(stale, T0 + 2100)).toBe(false);
    expect(await indexProblems(prefix, ids)).toEqual([]);
    expect(await admin!.zscore(`${prefix}:running`, second!.id)).toBe(String(T0 + 7000));
    // The live attempt's lease still lapses and is reclaimed on time.
    expect(await store.reclaimExpiredLeases(T0 + 7001, DAY, () => T0 + 8000)).toBe(1);
  });

  it("one batch of completions whose leases are partly lost completes exactly the held ones and un-indexes only them", async () => {
    const { store, prefix } = await open();
    const ids = (await store.enqueueMany(Array.from({ length: 6 }, () => newJob()))).map((r) => r.job.id);
    const jobs = await store.claim({ workerId: "w1", limit: 6, leaseMs: 1000, now: T0, types: [TYPE] });
    // Jobs 0–2 lose their lease (reclaimed) before their completions arrive; all six go in one turn.
    for (const job of jobs.slice(0, 3))
      await store.extendLease(leaseOf(job), 60_000, T0).then((held) => expect(held).toBe(true));
    await admin!.zadd(`${prefix}:running`, T0 - 1, jobs[0]!.id, T0 - 1, jobs[1]!.id, T0 - 1, jobs[2]!.id);
    await admin!.hset(`${prefix}:job:${jobs[0]!.id}`, "leaseExpiresAt", T0 - 1);
    await admin!.hset(`${prefix}:job:${jobs[1]!.id}`, "leaseExpiresAt", T0 - 1);
    await admin!.hset(`${prefix}:job:${jobs[2]!.id}`, "leaseExpiresAt", T0 - 1);
    expect(await store.reclaimExpiredLeases(T0, DAY, () => T0 + 10)).toBe(3);
    const answers = await Promise.all(
      jobs.map((job) => store.complete(leaseOf(job), { ok: 1 }, T0 + 5, DAY)),
    );
    expect(answers).toEqual([false, false, false, true, true, true]);
    expect(await indexProblems(prefix, ids)).toEqual([]);
  });

  it("keeps every running job indexed at its lease expiry through a random interleaving of claims, heartbeats (fresh and stale), progress, outcomes and reclaims across three stores", async () => {
    const stores = [await open()];
    const { prefix } = stores[0]!;
    for (let n = 0; n < 2; n++) {
      const store = createRedisStore({ url: REDIS_URL, prefix });
      opened.push({ store, prefix: `${prefix}:none` });
      await store.init();
      stores.push({ store, prefix });
    }
    const random = seeded(42);
    const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
    const enqueued = await stores[0]!.store.enqueueMany(
      Array.from({ length: 60 }, () => newJob({ maxAttempts: 50 })),
    );
    const ids = enqueued.map((r) => r.job.id);
    const leases: Lease[] = []; // every lease ever handed out, current or stale
    let now = T0;
    for (let step = 0; step < 400; step++) {
      now += Math.floor(random() * 300);
      const store = pick(stores)!.store;
      const lease = pick(leases);
      const roll = random();
      // Several writes issued in one turn, so the batchers send them as one script call.
      const writes: Promise<unknown>[] = [];
      if (roll < 0.25) {
        const workerId = `w${Math.floor(random() * 3)}`;
        const claimed = await store.claim({ workerId, limit: 3, leaseMs: 1000, now, types: [TYPE] });
        leases.push(...claimed.map(leaseOf));
      } else if (roll < 0.5 && lease) {
        writes.push(store.extendLease(lease, 1000, now));
      } else if (roll < 0.6 && lease) {
        writes.push(store.updateProgress(lease, Math.floor(random() * 100), "step", now));
      } else if (roll < 0.75) {
        for (let k = 0; k < 3; k++) {
          const some = pick(leases);
          if (some) writes.push(store.complete(some, { step }, now, DAY, random() < 0.5 ? "done" : null));
        }
      } else if (roll < 0.82 && lease) {
        const retryAt = random() < 0.5 ? now + 100 : undefined;
        const options =
          retryAt === undefined ? { now, retentionMs: DAY } : { now, retentionMs: DAY, retryAt };
        writes.push(store.fail(lease, { code: "handler_error", message: "boom" }, options));
      } else if (roll < 0.86 && lease) {
        writes.push(store.release(lease, now));
      } else {
        writes.push(store.reclaimExpiredLeases(now, DAY, () => now + 50));
      }
      await Promise.all(writes);
      const problems = await indexProblems(prefix, ids);
      if (problems.length > 0) expect({ step, problems }).toEqual({ step, problems: [] });
    }
    // And in the end, with time moved past every lease, one reclaim leaves nothing running.
    await stores[0]!.store.reclaimExpiredLeases(now + 10_000, DAY, () => now + 10_000);
    expect((await stores[0]!.store.countByStatus("tenant_a")).running).toBe(0);
  });
});
