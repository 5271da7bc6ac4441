import { expect, it, vi } from "vitest";
import type { RedisJobStore } from "../src/redis/index.js";
import type { JobEvent, JobRecord, Lease } from "../src/types.js";
import { DAY, eventually, newJob, T0, TYPE } from "./conformance/harness.js";
import { drainWithRacingClaimers } from "./support/racing-claims.js";
import { useRedisStores } from "./support/redis-stores.js";
import { describeIfService, redisAvailable, uniqueRedisPrefix } from "./support/services.js";

// What the conformance suite cannot see: several processes on one prefix, pub/sub across them, lease
// expiry reclaimed by any process, batching, and a Redis that lost its script cache.

const available = await redisAvailable();
const stores = useRedisStores(available);
const admin = stores.admin;

/** A store on `prefix` with its own connection, as another process would have. */
function open(prefix: string, prefetch = 0): Promise<RedisJobStore> {
  return stores.open({ prefix, prefetch });
}

const leaseOf = (job: JobRecord): Lease => ({
  jobId: job.id,
  workerId: job.leaseOwner!,
  attempt: job.attempts,
});

describeIfService("redis store", available, () => {
  it("never gives one job to two processes claiming at once", async () => {
    const prefix = uniqueRedisPrefix();
    const stores = [await open(prefix), await open(prefix), await open(prefix), await open(prefix)];
    await stores[0]!.enqueueMany(Array.from({ length: 400 }, () => newJob()));
    const claimedBy = await drainWithRacingClaimers(stores, TYPE, T0);
    expect(claimedBy.size).toBe(400);
    expect([...claimedBy.values()].every((times) => times === 1)).toBe(true);
  });

  it("delivers another process's changes by pub/sub, and its own exactly once", async () => {
    const prefix = uniqueRedisPrefix();
    const [listener, writer] = [await open(prefix), await open(prefix)];
    const events: JobEvent[] = [];
    listener.subscribe((event) => events.push(event));
    const { job: mine } = await listener.enqueue(newJob());
    const { job: theirs } = await writer.enqueue(newJob());
    await eventually(() => expect(events.map((e) => e.jobId)).toEqual([mine.id, theirs.id]));
    expect(events[1]).toMatchObject({ kind: "enqueued", status: "pending", tenantId: theirs.tenantId });
  });

  it("lets any process reclaim a lease that expired: no scheduler needed", async () => {
    const prefix = uniqueRedisPrefix();
    const [crashed, survivor] = [await open(prefix), await open(prefix)];
    const { job } = await crashed.enqueue(newJob());
    const [claimed] = await crashed.claim({
      workerId: "dead",
      limit: 1,
      leaseMs: 1000,
      now: T0,
      types: [TYPE],
    });
    expect(await survivor.reclaimExpiredLeases(T0 + 1000, DAY, () => T0 + 1000)).toBe(0);
    expect(await survivor.reclaimExpiredLeases(T0 + 1001, DAY, () => T0 + 1500)).toBe(1);
    expect(await survivor.get(null, job.id)).toMatchObject({
      status: "pending",
      runAt: T0 + 1500,
      attempts: 1,
    });
    expect(await crashed.complete(leaseOf(claimed!), "too late", T0 + 1002, DAY)).toBe(false);
  });

  it("sends the completions of one turn as one script call, answering each caller for its own lease", async () => {
    const store = await open(uniqueRedisPrefix());
    await store.enqueueMany(Array.from({ length: 20 }, () => newJob()));
    const jobs = await store.claim({ workerId: "w1", limit: 20, leaseMs: 60_000, now: T0, types: [TYPE] });
    // Count script calls on the wire: ioredis sends each one through sendCommand as EVALSHA (or EVAL).
    const send = store.client.sendCommand.bind(store.client);
    let calls = 0;
    const spy = vi.spyOn(store.client, "sendCommand").mockImplementation((command, stream) => {
      if (command && /^eval/i.test(command.name)) calls += 1;
      return send(command, stream);
    });
    const stale: Lease = { ...leaseOf(jobs[0]!), attempt: 9 };
    const results = await Promise.all([
      store.complete(stale, "stale", T0 + 1, DAY),
      ...jobs.slice(1).map((job) => store.complete(leaseOf(job), { ok: true }, T0 + 1, DAY)),
    ]);
    spy.mockRestore();
    expect(calls).toBe(1);
    expect(results).toEqual([false, ...Array(19).fill(true)]);
  });

  it("keeps working after Redis forgets its scripts (a restart empties the script cache)", async () => {
    const store = await open(uniqueRedisPrefix());
    await store.enqueue(newJob());
    await admin!.script("FLUSH");
    const { job, created } = await store.enqueue(newJob());
    expect(created).toBe(true);
    expect((await store.get(null, job.id))?.status).toBe("pending");
  });

  it("with prefetch, claims ahead for the same worker and gives the unserved jobs back on close", async () => {
    const prefix = uniqueRedisPrefix();
    const observer = await open(prefix);
    const store = await open(prefix, 5);
    await store.enqueueMany(Array.from({ length: 10 }, () => newJob()));
    const claim = () => store.claim({ workerId: "w1", limit: 2, leaseMs: 60_000, now: T0, types: [TYPE] });
    expect(await claim()).toHaveLength(2);
    expect((await observer.countByStatus("tenant_a")).running).toBe(7);
    expect(await claim()).toHaveLength(2); // served from the buffer: no more jobs taken
    expect((await observer.countByStatus("tenant_a")).running).toBe(7);
    await store.close();
    expect(await observer.countByStatus("tenant_a")).toMatchObject({ running: 4, pending: 6 });
  });

  it("keeps two prefixes apart on one Redis", async () => {
    const [a, b] = [await open(uniqueRedisPrefix()), await open(uniqueRedisPrefix())];
    await a.enqueue(newJob());
    expect(await b.claim({ workerId: "w", limit: 10, leaseMs: 1000, now: T0, types: [TYPE] })).toEqual([]);
    expect((await a.countByStatus("tenant_a")).pending).toBe(1);
  });
});

it("under CI=true an unreachable Redis fails the run instead of skipping it", async () => {
  vi.stubEnv("CI", "true");
  try {
    await expect(redisAvailable("redis://127.0.0.1:1")).rejects.toThrow(/CI=true requires it/);
  } finally {
    vi.unstubAllEnvs();
  }
});
