import { Redis } from "ioredis";
import { expect, it } from "vitest";
import type { RedisJobStore, RedisStoreOptions } from "../src/redis/index.js";
import { LAYOUT_VERSION } from "../src/redis/layout.js";
import type { ClaimRequest, JobRecord, Lease, NewJob } from "../src/types.js";
import { DAY, leaseOf, newJob, T0, TENANT, TYPE } from "./conformance/harness.js";
import { useRedisStores } from "./support/redis-stores.js";
import { seeded } from "./support/seeded.js";
import { describeIfService, REDIS_URL, redisAvailable, uniqueRedisPrefix } from "./support/services.js";

// What the conformance suite cannot see of the Redis store's queue control: the lines behind the
// claim (ready line, key groups, parking) stay consistent with the job hashes through every change,
// a claim's work does not grow with a backlog (commands counted with MONITOR), layout-1 data keeps
// working, and the bounded steps (promotion, look-backs) behave.

const available = await redisAvailable();
const stores = useRedisStores(available);
const admin = stores.admin;

async function open(options: RedisStoreOptions = {}): Promise<{ store: RedisJobStore; prefix: string }> {
  const store = await stores.open(options);
  return { store, prefix: store.prefix };
}

function claim(store: RedisJobStore, overrides: Partial<ClaimRequest> = {}): Promise<JobRecord[]> {
  return store.claim({ workerId: "w1", limit: 1, leaseMs: 60_000, now: T0, types: [TYPE], ...overrides });
}

/** Enqueues in slices (one script call each), so a big backlog does not make one huge call. */
async function enqueueAll(store: RedisJobStore, jobs: NewJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1000) await store.enqueueMany(jobs.slice(i, i + 1000));
}

/**
 * The commands that Redis ran inside scripts for keys of `prefix` while `fn` ran, as "COMMAND key"
 * with the prefix shown as P and job ids as job_ID (MONITOR shows script commands too). The EXPLAIN of a Lua claim.
 */
async function commandsOf(prefix: string, fn: () => Promise<unknown>): Promise<string[]> {
  const monitor = await new Redis(REDIS_URL).monitor();
  const seen: string[] = [];
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (source.includes("lua") && args[1]?.startsWith(`${prefix}:`)) {
      seen.push(`${args[0]} ${args[1].replace(prefix, "P").replace(/job_[\w-]+/, "job_ID")}`);
    }
  });
  try {
    await fn();
    // MONITOR output trails the replies: a marker command read back ends the capture.
    const marker = `${prefix}:monitor-marker`;
    await admin!.eval("return redis.call('EXISTS', KEYS[1])", 1, marker);
    for (let i = 0; i < 200 && !seen.some((line) => line.endsWith(":monitor-marker")); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(seen.at(-1)).toBe("EXISTS P:monitor-marker");
    return seen.slice(0, -1);
  } finally {
    monitor.disconnect();
  }
}

const sorted = (lines: readonly string[]) => [...lines].sort();

/** Group of a job's keys, as groupOf in lib.lua spells it (the keys here are ASCII). */
function groupOf(ck: string | null, rk: string | null): string | null {
  if (ck === null && rk === null) return null;
  const part = (key: string | null) => (key === null ? "-" : `${key.length}:${key}`);
  return `${part(ck)}|${part(rk)}`;
}

interface Row {
  id: string;
  type: string;
  status: string;
  ck: string | null;
  rk: string | null;
  q: string | null;
  pm: string | null;
  runAt: string | null;
}

/**
 * Every disagreement between the lines and the job hashes: the ready line must hold exactly the keyless
 * ready jobs and the first job of each unparked group; each group line exactly its ready jobs; the
 * delayed line exactly the delayed jobs; the running counts exactly the running jobs per key.
 */
async function lineProblems(
  prefix: string,
  types: readonly string[],
  ids: readonly string[],
): Promise<string[]> {
  const reads = admin!.pipeline();
  for (const id of ids)
    reads.hmget(`${prefix}:job:${id}`, "type", "status", "concurrencyKey", "rateKey", "q", "pm", "runAt");
  const rows: Row[] = ((await reads.exec()) ?? [])
    .map(([, value], i) => {
      const [type, status, ck, rk, q, pm, runAt] = value as (string | null)[];
      return {
        id: ids[i]!,
        type: type!,
        status: status!,
        ck: ck ?? null,
        rk: rk ?? null,
        q: q ?? null,
        pm: pm ?? null,
        runAt: runAt ?? null,
      };
    })
    .filter((row) => row.status !== null);
  const problems: string[] = [];
  const sorted = (items: Iterable<string>) => [...items].sort();
  for (const type of types) {
    const mine = rows.filter((row) => row.type === type);
    const ready = mine.filter((row) => row.status === "pending" && row.q === "r");
    const parked = await admin!.hgetall(`${prefix}:pk:${type}`);
    const expectedReady = ready.filter((row) => groupOf(row.ck, row.rk) === null).map((row) => row.pm!);
    const groups = new Set(
      ready.map((row) => groupOf(row.ck, row.rk)).filter((g): g is string => g !== null),
    );
    for (const g of groups) {
      const line = await admin!.zrange(`${prefix}:k:${type.length}:${type}:${g}`, 0, -1);
      const members = ready.filter((row) => groupOf(row.ck, row.rk) === g).map((row) => row.pm!);
      if (sorted(line).join() !== sorted(members).join())
        problems.push(`${type} group ${g}: line ${line} jobs ${members}`);
      if (!(g in parked) && line[0] !== undefined) expectedReady.push(line[0]);
    }
    const readyLine = await admin!.zrange(`${prefix}:r:${type}`, 0, -1);
    if (sorted(readyLine).join() !== sorted(expectedReady).join()) {
      problems.push(`${type} ready line ${sorted(readyLine)} expected ${sorted(expectedReady)}`);
    }
    const delayed = mine.filter((row) => row.status === "pending" && row.q === "w").map((row) => row.pm!);
    const delayedLine = await admin!.zrange(`${prefix}:p:${type}`, 0, -1);
    if (sorted(delayedLine).join() !== sorted(delayed).join())
      problems.push(`${type} delayed line ${delayedLine} expected ${delayed}`);
    for (const row of mine) {
      if (row.status === "pending" && row.q !== "r" && row.q !== "w")
        problems.push(`${row.id} pending in no line`);
    }
    const counts = new Map<string, number>();
    for (const row of mine)
      if (row.status === "running" && row.ck !== null) counts.set(row.ck, (counts.get(row.ck) ?? 0) + 1);
    const stored = await admin!.hgetall(`${prefix}:run:${type}`);
    const expected = Object.fromEntries([...counts].map(([key, n]) => [key, String(n)]));
    if (JSON.stringify(Object.entries(stored).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
      problems.push(`${type} running counts ${JSON.stringify(stored)} expected ${JSON.stringify(expected)}`);
    }
    // The stats indexes: every pending job by runAt, and the running count of the type.
    const flat = await admin!.zrange(`${prefix}:pa:${type}`, 0, -1, "WITHSCORES");
    const indexed = flat.filter((_, i) => i % 2 === 0).map((id, i) => `${id}@${flat[2 * i + 1]}`);
    const pending = mine.filter((row) => row.status === "pending").map((row) => `${row.id}@${row.runAt}`);
    if (sorted(indexed).join() !== sorted(pending).join())
      problems.push(`${type} P:pa ${indexed} expected ${pending}`);
    const running = mine.filter((row) => row.status === "running").length;
    const storedRunning = Number((await admin!.hget(`${prefix}:nrun`, type)) ?? 0);
    if (storedRunning !== running) problems.push(`${type} P:nrun ${storedRunning} expected ${running}`);
  }
  return problems;
}

describeIfService("redis store: queue control", available, () => {
  it("keeps the ready line, key groups, parking and running counts consistent through a random mix of every change, never exceeds a limit, and strands no job", async () => {
    const { store, prefix } = await open();
    const random = seeded(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const LIMITED = "limited_task";
    const types = [LIMITED, TYPE];
    const limits = { [LIMITED]: { concurrency: 2, rate: { max: 5, perMs: 1000 } } };
    const ids: string[] = [];
    const leases: Lease[] = [];
    const starts = new Map<string, number[]>(); // rate key -> start times of limited jobs
    let now = T0;
    for (let step = 0; step < 300; step++) {
      now += Math.floor(random() * 120);
      const roll = random();
      if (roll < 0.3) {
        const jobs = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
          newJob({
            type: pick(types),
            tenantId: pick(["t1", "t2", "t3"]),
            priority: pick([0, 0, 5]),
            concurrencyKey: pick([null, "c1", "c2"]),
            rateKey: pick([null, "r1", "r2"]),
            runAt: random() < 0.3 ? now + Math.floor(random() * 800) : now,
            now,
            maxAttempts: 4,
          }),
        );
        ids.push(...(await store.enqueueMany(jobs)).map((r) => r.job.id));
      } else if (roll < 0.55) {
        const claimed = await store.claim({
          workerId: "w",
          limit: 1 + Math.floor(random() * 4),
          leaseMs: 1000,
          now,
          types,
          limits,
        });
        leases.push(...claimed.map(leaseOf));
        for (const job of claimed.filter((j) => j.type === LIMITED && j.rateKey !== null)) {
          const log = starts.get(job.rateKey!) ?? [];
          log.push(now);
          starts.set(job.rateKey!, log);
          expect(log.filter((at) => at > now - 1000).length).toBeLessThanOrEqual(5);
        }
        const running = (await store.list({ tenantId: "t1", status: "running", limit: 500 })).jobs
          .concat((await store.list({ tenantId: "t2", status: "running", limit: 500 })).jobs)
          .concat((await store.list({ tenantId: "t3", status: "running", limit: 500 })).jobs)
          .filter((job) => job.type === LIMITED && job.concurrencyKey !== null);
        for (const key of ["c1", "c2"])
          expect(running.filter((j) => j.concurrencyKey === key).length).toBeLessThanOrEqual(2);
      } else if (roll < 0.7 && leases.length > 0) {
        await store.complete(pick(leases), null, now, DAY);
      } else if (roll < 0.78 && leases.length > 0) {
        const retryAt = random() < 0.7 ? now + Math.floor(random() * 300) : undefined;
        await store.fail(
          pick(leases),
          { code: "x", message: "boom" },
          retryAt === undefined ? { now, retentionMs: DAY } : { now, retentionMs: DAY, retryAt },
        );
      } else if (roll < 0.84 && leases.length > 0) {
        await store.release(pick(leases), now);
      } else if (roll < 0.9 && ids.length > 0) {
        const job = await store.get(null, pick(ids));
        if (job && (job.status === "pending" || job.status === "running"))
          await store.cancel(job.tenantId, job.id, now, DAY);
      } else if (roll < 0.95) {
        await store.reclaimExpiredLeases(now, DAY, () => now + 100);
      } else {
        await store.blockRateKey(LIMITED, pick(["r1", "r2"]), now + Math.floor(random() * 1500));
      }
      const problems = await lineProblems(prefix, types, ids);
      if (problems.length > 0) expect({ step, problems }).toEqual({ step, problems: [] });
    }
    // Far later, every lease lapsed: limited claims that finish what they take drain every job.
    now += 100_000;
    await store.reclaimExpiredLeases(now, DAY, () => now);
    for (let round = 0; round < 400; round++) {
      const claimed = await store.claim({ workerId: "w", limit: 10, leaseMs: 1000, now, types, limits });
      for (const job of claimed) await store.complete(leaseOf(job), null, now, DAY);
      now += 250;
      if (
        claimed.length === 0 &&
        (await Promise.all(["t1", "t2", "t3"].map((t) => store.countByStatus(t)))).every(
          (c) => c.pending === 0,
        )
      )
        break;
    }
    for (const tenant of ["t1", "t2", "t3"]) expect((await store.countByStatus(tenant)).pending).toBe(0);
    expect(await lineProblems(prefix, types, ids)).toEqual([]);
  });

  it("a claim without limits costs the same commands whatever the backlog, delayed jobs included", async () => {
    const small = await open();
    await small.store.enqueueMany([newJob({ tenantId: "t0" }), newJob({ tenantId: "t1" })]);
    const big = await open();
    await enqueueAll(
      big.store,
      Array.from({ length: 3000 }, (_, i) => newJob({ tenantId: `t${i % 7}` })),
    );
    await enqueueAll(
      big.store,
      Array.from({ length: 3000 }, () => newJob({ runAt: T0 + 60_000 })),
    );
    const few = await commandsOf(small.prefix, () => claim(small.store, { limit: 2 }));
    const many = await commandsOf(big.prefix, () => claim(big.store, { limit: 2 }));
    // Per type: one look at the due end of the delayed line, one EXISTS of the parked groups, one ZRANGE
    // of the ready line; then 3 commands per job taken (one read, two writes: round 1's claim took 14);
    // then the index writes of the whole call, one per key (and counter field), and one PUBLISH.
    const perJob = ["HMGET P:job:job_ID", "HDEL P:job:job_ID", "HSET P:job:job_ID"];
    expect(many.slice(0, 3 + 2 * 3)).toEqual([
      "ZRANGEBYSCORE P:p:conformance_task",
      "EXISTS P:pk:conformance_task",
      "ZRANGE P:r:conformance_task",
      ...perJob,
      ...perJob,
    ]);
    expect(sorted(many.slice(9))).toEqual(
      sorted([
        "ZREM P:r:conformance_task",
        "ZADD P:running",
        "ZREM P:pa:conformance_task",
        "HINCRBY P:nrun",
        ...["t0", "t1"].flatMap((t) => [
          `ZREM P:ts:pending:${t}`,
          `ZADD P:ts:running:${t}`,
          `HINCRBY P:c:${t}`,
          `HINCRBY P:c:${t}`,
        ]),
        "PUBLISH P:events",
      ]),
    );
    expect(sorted(many)).toEqual(sorted(few));
  });

  it("a limited claim visits a saturated key's backlog once (its first job), however long, and the next claim not at all", async () => {
    const measure = async (backlog: number) => {
      const { store, prefix } = await open();
      await enqueueAll(
        store,
        Array.from({ length: backlog }, () => newJob({ concurrencyKey: "busy" })),
      );
      await store.enqueue(newJob({ concurrencyKey: "quiet" }));
      const limited = { limit: 5, limits: { [TYPE]: { concurrency: 1 } } };
      let taken: JobRecord[] = [];
      const first = await commandsOf(prefix, async () => {
        taken = await claim(store, limited);
      });
      expect(taken.map((j) => j.concurrencyKey)).toEqual(["busy", "quiet"]);
      const second = await commandsOf(prefix, async () => {
        expect(await claim(store, limited)).toEqual([]);
      });
      return { first, second };
    };
    const short = await measure(10);
    const long = await measure(3000);
    expect(long.first).toEqual(short.first);
    expect(long.first.filter((line) => line.startsWith("HMGET P:job:"))).toHaveLength(3); // 3 jobs visited
    expect(long.second).toEqual([
      "ZRANGEBYSCORE P:p:conformance_task",
      "ZRANGEBYSCORE P:pr:conformance_task",
      "ZRANGE P:r:conformance_task",
    ]);
  });

  it("places at most 500 due delayed jobs per claim, oldest first, and the following claims place the rest", async () => {
    const { store, prefix } = await open();
    await enqueueAll(
      store,
      Array.from({ length: 700 }, (_, i) => newJob({ runAt: T0 + 1 + i })),
    );
    const [first] = await claim(store, { now: T0 + 10_000 });
    expect(first?.runAt).toBe(T0 + 1);
    expect(await admin!.zcard(`${prefix}:p:${TYPE}`)).toBe(200);
    const rest = await claim(store, { now: T0 + 10_000, limit: 1000 });
    expect(rest).toHaveLength(699);
    expect(await admin!.zcard(`${prefix}:p:${TYPE}`)).toBe(0);
  });

  it("a claim without limits for the type takes the jobs of groups that a limited claim parked", async () => {
    const { store } = await open();
    await store.enqueueMany(Array.from({ length: 3 }, () => newJob({ concurrencyKey: "k", rateKey: "r" })));
    expect(await claim(store, { limit: 3, limits: { [TYPE]: { concurrency: 1 } } })).toHaveLength(1);
    expect(await claim(store, { limit: 3 })).toHaveLength(2);
  });

  it("a block that comes while the group waits for its window holds it past the window, until the block ends", async () => {
    const { store } = await open();
    await store.enqueueMany(Array.from({ length: 3 }, () => newJob({ rateKey: "api" })));
    const rate = { limits: { [TYPE]: { rate: { max: 1, perMs: 1000 } } } };
    expect(await claim(store, { limit: 3, ...rate })).toHaveLength(1); // parked until T0 + 1000
    await store.blockRateKey(TYPE, "api", T0 + 3000);
    expect(await claim(store, { limit: 3, now: T0 + 1000, ...rate })).toEqual([]);
    expect(await claim(store, { limit: 3, now: T0 + 2999, ...rate })).toEqual([]);
    expect(await claim(store, { limit: 3, now: T0 + 3000, ...rate })).toHaveLength(1);
  });

  it("fair share: when a tenant's newest waiting job is cancelled, its next job still queues behind its older ones", async () => {
    const { store } = await open();
    const a = Array.from({ length: 3 }, (_, i) => newJob({ input: { a: i } }));
    await store.enqueueMany(a);
    await store.enqueueMany(
      Array.from({ length: 3 }, (_, i) => newJob({ tenantId: "tenant_b", input: { b: i } })),
    );
    await store.cancel(TENANT, a[2]!.id, T0, DAY);
    const later = newJob({ input: { a: 3 } });
    await store.enqueue(later);
    const order = await claim(store, { limit: 10 });
    const mine = order.filter((job) => job.tenantId === TENANT).map((job) => job.id);
    expect(mine).toEqual([a[0]!.id, a[1]!.id, later.id]);
  });

  it('a released job keeps its place with fairness "fifo" too', async () => {
    const { store } = await open({ fairness: "fifo" });
    const jobs = [newJob({ runAt: T0 - 2 }), newJob({ runAt: T0 - 1 }), newJob()];
    await store.enqueueMany(jobs);
    const [first] = await claim(store);
    expect(first?.id).toBe(jobs[0]!.id);
    expect(await store.release(leaseOf(first!), T0)).toBe(true);
    expect((await claim(store, { limit: 3 })).map((j) => j.id)).toEqual(jobs.map((j) => j.id));
  });

  it("reads layout-1 data: an old pending job is claimed (priority 0, no keys), an old running one released and claimed again; layout 3's indexes are built for them; the ledger records every layout", async () => {
    const prefix = stores.track(uniqueRedisPrefix());
    // What layout 1's enqueue.lua and claim.lua left behind: one pending job, one running job.
    const old = (id: string, status: string, extra: Record<string, string | number>) =>
      admin!.hset(`${prefix}:job:${id}`, {
        id,
        tenantId: TENANT,
        type: TYPE,
        progress: 0,
        input: "{}",
        maxAttempts: 3,
        createdAt: T0,
        updatedAt: T0,
        status,
        runAt: T0,
        ...extra,
      });
    await old("job_old_pending", "pending", { attempts: 0, pm: "0000000000000001:job_old_pending" });
    await admin!.zadd(`${prefix}:p:${TYPE}`, T0, "0000000000000001:job_old_pending");
    await old("job_old_running", "running", {
      attempts: 1,
      leaseOwner: "w0",
      leaseExpiresAt: T0 + 60_000,
      startedAt: T0,
    });
    await admin!.zadd(`${prefix}:running`, T0 + 60_000, "job_old_running");
    for (const [status, id] of [
      ["pending", "job_old_pending"],
      ["running", "job_old_running"],
    ] as const) {
      await admin!.zadd(`${prefix}:ts:${status}:${TENANT}`, T0, id);
      await admin!.zadd(`${prefix}:t:${TENANT}`, T0, id);
      await admin!.hincrby(`${prefix}:c:${TENANT}`, `${status}:${TYPE}`, 1);
    }
    await admin!.set(`${prefix}:seq`, 2);

    const { store } = await open({ prefix });
    expect(Object.keys(await admin!.hgetall(`${prefix}:layout`))).toEqual(["1", "2", "3"]);
    // Layout 3's indexes were built for the old jobs: stats and the list over every tenant see them.
    expect(await store.stats(T0)).toEqual([{ type: TYPE, pending: 1, due: 1, running: 1, oldestDueAt: T0 }]);
    expect((await store.list({ tenantId: null })).jobs.map((j) => j.id).sort()).toEqual([
      "job_old_pending",
      "job_old_running",
    ]);
    expect(await store.get(null, "job_old_pending")).toMatchObject({
      priority: 0,
      concurrencyKey: null,
      rateKey: null,
    });
    expect((await claim(store, { limit: 5 })).map((j) => j.id)).toEqual(["job_old_pending"]);
    expect(await store.release({ jobId: "job_old_running", workerId: "w0", attempt: 1 }, T0 + 1)).toBe(true);
    expect((await claim(store, { limit: 5, now: T0 + 1 })).map((j) => j.id)).toEqual(["job_old_running"]);
    expect(await lineProblems(prefix, [TYPE], ["job_old_pending", "job_old_running"])).toEqual([]);
  });

  it("refuses a prefix written by a newer layout", async () => {
    const prefix = stores.track(uniqueRedisPrefix());
    await admin!.hset(`${prefix}:layout`, String(LAYOUT_VERSION + 1), "from the future");
    const store = stores.create({ prefix });
    await expect(store.init()).rejects.toThrow(new RegExp(`layout ${LAYOUT_VERSION + 1}, newer than`));
  });

  it("keeps schedule inputs exactly as written (numbers are not re-encoded by Lua)", async () => {
    const { store } = await open();
    const input = { big: 1234567890123456, tiny: 0.1 + 0.2, text: "ü\u0000" };
    await store.saveSchedule(
      { name: "s", task: TYPE, cron: "* * * * *", timezone: null, input, tenantId: TENANT, createdAt: T0 },
      T0,
    );
    expect((await store.listSchedules())[0]?.input).toEqual(JSON.parse(JSON.stringify(input)));
  });
});
