import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask, type Worker } from "../src/index.js";
import { createRedisStore, type RedisJobStore } from "../src/redis/index.js";
import { callScript } from "../src/redis/scripts.js";
import type { JobRecord, JobStore, Lease } from "../src/types.js";
import { DAY, newJob, T0, TYPE } from "./conformance/harness.js";
import { deleteKeys } from "./support/redis-keys.js";
import { seeded } from "./support/seeded.js";
import { describeIfService, REDIS_URL, redisAvailable, uniqueRedisPrefix } from "./support/services.js";

// docs/reliability.md, "stuck running": under the chaos run a job stayed `running` with no live lease
// that reclaim would ever take. This does to one Redis prefix what crash-redis does, in-process and
// faster: several workers (each its own store and connection) on short leases, SIGKILL-like deaths
// (every later call of the dead worker fails, its connection is dropped), connections killed under
// live workers (ioredis reconnects and resends what was unanswered), handlers that finish, fail and
// retry, concurrency keys and dedupe keys as the book tasks have. Every lease write is recorded (job,
// attempt, owner, answer) so a failing interleaving can be read; at the end every job must be finished.

const available = await redisAvailable();
const admin = available ? new Redis(REDIS_URL) : null;
afterAll(async () => {
  await admin?.quit();
});

const silent = { info() {}, warn() {}, error() {} };
const TENANT = "tenant_stuck";
const LEASE_MS = 400;
const SEED = Number(process.env.STUCK_RUNNING_SEED ?? 7);
const ROUNDS = Number(process.env.STUCK_RUNNING_ROUNDS ?? 1);

interface Write {
  at: number;
  worker: string;
  op: string;
  jobId: string;
  attempt: number | null;
  answer: string;
}

/** The writes of every worker, in the order they were answered. */
class WriteLog {
  readonly writes: Write[] = [];
  private readonly t0 = Date.now();

  add(worker: string, op: string, lease: Pick<Lease, "jobId"> & { attempt?: number }, answer: unknown) {
    this.writes.push({
      at: Date.now() - this.t0,
      worker,
      op,
      jobId: lease.jobId,
      attempt: lease.attempt ?? null,
      answer: answer instanceof Error ? `error ${answer.message}` : String(answer),
    });
  }

  of(jobId: string): string[] {
    return this.writes
      .filter((w) => w.jobId === jobId || w.jobId === "*")
      .filter((w) => w.jobId === jobId || w.answer !== "0")
      .map((w) => `${w.at}ms ${w.worker} ${w.op} attempt=${w.attempt ?? "-"} -> ${w.answer}`);
  }
}

/**
 * A worker's store as the engine sees it: records each lease write with its answer, and once the
 * worker is "killed" fails every call (a dead process writes nothing more; what it had already sent
 * may still land, as with SIGKILL).
 */
function recorded(store: RedisJobStore, worker: string, log: WriteLog, dead: () => boolean): JobStore {
  const gate = <T>(op: string, lease: { jobId: string; attempt?: number }, call: () => Promise<T>) => {
    if (dead()) return Promise.reject(new Error("killed"));
    return call().then(
      (answer) => {
        log.add(worker, op, lease, answer);
        return answer;
      },
      (error: unknown) => {
        log.add(worker, op, lease, error);
        throw error;
      },
    );
  };
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      switch (name) {
        case "claim":
          return async (request: Parameters<JobStore["claim"]>[0]) => {
            if (dead()) throw new Error("killed");
            const jobs: JobRecord[] = await target.claim(request);
            for (const job of jobs) log.add(worker, "claim", { jobId: job.id, attempt: job.attempts }, 1);
            return jobs;
          };
        case "extendLease":
        case "updateProgress":
        case "complete":
        case "fail":
        case "release":
          return (lease: Lease, ...rest: unknown[]) =>
            gate(String(name), lease, () =>
              (value as (...a: unknown[]) => Promise<unknown>).call(target, lease, ...rest),
            );
        case "reclaimExpiredLeases":
          return (...args: unknown[]) =>
            gate("reclaim", { jobId: "*" }, () =>
              (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
            );
        default:
          return (...args: unknown[]) => {
            if (dead()) return Promise.reject(new Error("killed"));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
      }
    },
  });
}

interface Member {
  name: string;
  store: RedisJobStore;
  worker: Worker;
  dead: boolean;
}

async function killConnection(name: string): Promise<void> {
  const list = (await admin!.client("LIST")) as string;
  for (const line of list.split("\n")) {
    if (!line.includes(` name=${name} `)) continue;
    const id = /\bid=(\d+)/.exec(line)?.[1];
    if (id) await admin!.client("KILL", "ID", id).catch(() => undefined);
  }
}

async function chaosRound(round: number): Promise<void> {
  const random = seeded(SEED + round);
  const prefix = uniqueRedisPrefix("lfstuck");
  const log = new WriteLog();
  const runs = new Map<string, number>();
  const upload = defineTask({
    name: "stuck_upload",
    input: z.object({ n: z.number(), company: z.string() }),
    retries: 3,
    backoff: { baseMs: 20, maxMs: 100 },
    dedupeKey: (input) => `import:${input.n}`,
    concurrency: { limit: 1, key: (input) => `company:${input.company}` },
    handler: async (ctx) => {
      runs.set(String(ctx.input.n), (runs.get(String(ctx.input.n)) ?? 0) + 1);
      ctx.progress(10, "parsing");
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 120)));
      ctx.progress(60, "booking");
      if (Math.random() < 0.1) throw new Error("transient");
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
      return { n: ctx.input.n };
    },
  });
  const categorize = defineTask({
    name: "stuck_categorize",
    input: z.object({ n: z.number() }),
    retries: 5,
    backoff: { baseMs: 10, maxMs: 50 },
    handler: async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 30)));
      return { n: ctx.input.n };
    },
  });
  const tasks = [upload, categorize];

  const observer = createRedisStore({ url: REDIS_URL, prefix });
  const observerQueue = createQueue({ store: observer, tasks });
  await observerQueue.init();
  const members: Member[] = [];
  let serial = 0;
  const spawn = async () => {
    const name = `lfstuck_${randomBytes(3).toString("hex")}_${serial++}`;
    const client = new Redis(REDIS_URL, {
      connectionName: name,
      enableAutoPipelining: true,
      lazyConnect: true,
    });
    client.on("error", () => undefined);
    const store = createRedisStore({ client, prefix });
    const member: Member = { name, store, worker: undefined as unknown as Worker, dead: false };
    const queue = createQueue({ store: recorded(store, name, log, () => member.dead), tasks });
    await queue.init();
    member.worker = createWorker(queue, {
      concurrency: 4,
      leaseMs: LEASE_MS,
      pollIntervalMs: 20,
      shutdownGraceMs: 200,
      workerId: name,
      logger: silent,
    });
    member.worker.start();
    members.push(member);
  };
  const kill = (member: Member) => {
    member.dead = true;
    member.store.client.disconnect();
    // Its timers stop too (a dead process runs nothing); every write it tries now fails.
    void member.worker.stop().catch(() => undefined);
  };

  try {
    for (let i = 0; i < 3; i++) await spawn();
    const ids: string[] = [];
    const enqueue = async (from: number, count: number) => {
      for (let n = from; n < from + count; n++) {
        const { job } = await observerQueue.enqueue(
          upload,
          { n, company: `c${n % 6}` },
          { tenantId: TENANT },
        );
        ids.push(job.id);
        if (n % 3 === 0) {
          const child = await observerQueue.enqueue(categorize, { n }, { tenantId: TENANT });
          ids.push(child.job.id);
        }
      }
    };
    await enqueue(0, 60);
    const chaosEnd = Date.now() + 6_000;
    let n = 60;
    while (Date.now() < chaosEnd) {
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(random() * 200)));
      const alive = members.filter((m) => !m.dead);
      const roll = random();
      if (roll < 0.35 && alive.length > 1) {
        kill(alive[Math.floor(random() * alive.length)]!);
        await spawn();
      } else if (roll < 0.7 && alive.length > 0) {
        await killConnection(alive[Math.floor(random() * alive.length)]!.name);
      } else {
        await enqueue(n, 5);
        n += 5;
      }
    }
    // Drain: the survivors must finish everything; a dead worker's lease is reclaimed within ~1.5 leases.
    const drainEnd = Date.now() + 8_000;
    let stuck: JobRecord[] = [];
    for (;;) {
      const jobs = await Promise.all(ids.map((id) => observer.get(TENANT, id)));
      stuck = jobs.filter(
        (j): j is JobRecord => j !== null && (j.status === "running" || j.status === "pending"),
      );
      if (stuck.length === 0 || Date.now() > drainEnd) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const report: string[] = [];
    for (const job of stuck.slice(0, 5)) {
      const score = await admin!.zscore(`${prefix}:running`, job.id);
      report.push(
        `${job.id} ${job.type} ${job.status} attempts=${job.attempts} owner=${job.leaseOwner} lease=${
          job.leaseExpiresAt === null ? "none" : `${job.leaseExpiresAt - Date.now()}ms from now`
        } index=${score ?? "absent"} alive=${members
          .filter((m) => !m.dead)
          .map((m) => m.name)
          .join(",")}`,
        ...log.of(job.id).map((line) => `  ${line}`),
      );
    }
    expect({ round, seed: SEED + round, stuck: report }).toEqual({ round, seed: SEED + round, stuck: [] });
    const counts = await observer.countByStatus(TENANT);
    expect(counts.running + counts.pending).toBe(0);
    expect(counts.complete + counts.failed).toBe(ids.length);
  } finally {
    for (const m of members) if (!m.dead) kill(m);
    await observer.close();
    await deleteKeys(admin!, prefix);
  }
}

/** Running jobs that reclaim cannot end: no lease owner, or no entry in P:running. */
async function stranded(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await admin!.scan(cursor, "MATCH", `${prefix}:job:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const [id, status, owner] = await admin!.hmget(key, "id", "status", "leaseOwner");
      if (status !== "running") continue;
      const score = await admin!.zscore(`${prefix}:running`, id!);
      if (owner === null || score === null) out.push(`${id} running, owner ${owner}, index ${score}`);
    }
  } while (cursor !== "0");
  return out;
}

/** The script's error message, or "answered" when it did not refuse. */
const refused = (call: Promise<unknown>) =>
  call.then(
    () => "answered",
    (error: Error) => error.message,
  );

const leaseOf = (job: JobRecord): Lease => ({
  jobId: job.id,
  workerId: job.leaseOwner!,
  attempt: job.attempts,
});

describeIfService("redis store: a lease write that fails leaves no job stuck running", available, () => {
  const open = async () => {
    const prefix = uniqueRedisPrefix("lfstuck");
    const store = createRedisStore({ url: REDIS_URL, prefix });
    await store.init();
    return { prefix, store };
  };

  it("a completion in another version's argument layout is refused whole: the job keeps its lease, which lapses and is reclaimed (the chaos run's stuck uploads)", async () => {
    const { prefix, store } = await open();
    try {
      await store.enqueueMany([newJob(), newJob()]);
      const [a, b] = await store.claim({ workerId: "w1", limit: 2, leaseMs: 1000, now: T0, types: [TYPE] });
      // The layout before the final message (6 values per job: no has-message, message): what a worker
      // whose lease-writes.ts and complete.lua came from different versions sent. The script used to
      // delete the lease owner, then fail at its HSET: running, no owner, never reclaimed.
      const old = [1, a!.id, "w1", a!.attempts, JSON.stringify({ ok: 1 }), T0 + 5, T0 + DAY];
      const completed = await refused(callScript(store.client, "complete", prefix, "test", old));
      // A tick with the same completion and a claim after it is refused whole too.
      await store.enqueueMany([newJob()]);
      const tick = [0, ...old, T0 + 10, 5, "w2", T0 + 1010, "tenant", TYPE, "", "", ""];
      const ticked = await refused(callScript(store.client, "tick", prefix, "test", tick));
      expect(await stranded(prefix)).toEqual([]);
      expect([completed, ticked]).toEqual([
        expect.stringMatching(/nothing written/),
        expect.stringMatching(/nothing written/),
      ]);
      expect((await store.get(null, a!.id))?.leaseOwner).toBe("w1");
      // The worker saw its completion fail: its lease lapses and any worker's reclaim takes the job.
      expect(await store.reclaimExpiredLeases(T0 + 2000, DAY, () => T0 + 2000)).toBe(2);
      expect((await store.get(null, a!.id))?.status).toBe("pending");
      expect(await store.complete(leaseOf(b!), { ok: 1 }, T0 + 5, DAY)).toBe(false);
    } finally {
      await store.close();
      await deleteKeys(admin!, prefix);
    }
  });

  it("a claim whose lease expiry is not a number claims nothing (it used to set jobs running whose P:running entry never went out)", async () => {
    const { prefix, store } = await open();
    try {
      const job = (await store.enqueueMany([newJob()]))[0]!.job;
      const answers: string[] = [];
      for (const expiry of ["NaN", "inf", ""]) {
        const claim = [T0, 5, "w1", expiry, "tenant", TYPE, "", "", ""];
        answers.push(await refused(callScript(store.client, "claim", prefix, "test", claim)));
        answers.push(await refused(callScript(store.client, "tick", prefix, "test", [0, 0, ...claim])));
      }
      expect(await stranded(prefix)).toEqual([]);
      expect(answers).toEqual(answers.map(() => expect.stringMatching(/nothing written/)));
      expect((await store.get(null, job.id))?.status).toBe("pending");
      expect(
        await store.claim({ workerId: "w1", limit: 5, leaseMs: 1000, now: T0, types: [TYPE] }),
      ).toHaveLength(1);
    } finally {
      await store.close();
      await deleteKeys(admin!, prefix);
    }
  });

  it("reclaim takes an expired running job that a half-applied write left without its lease owner", async () => {
    const { prefix, store } = await open();
    try {
      await store.enqueueMany([newJob({ maxAttempts: 1 }), newJob()]);
      const [a, b] = await store.claim({ workerId: "w1", limit: 2, leaseMs: 1000, now: T0, types: [TYPE] });
      // What the old completion left behind (data written before the fix, still in a store).
      for (const job of [a!, b!])
        await admin!.hdel(`${prefix}:job:${job.id}`, "leaseOwner", "leaseExpiresAt");
      expect(await store.reclaimExpiredLeases(T0 + 500, DAY, () => T0 + 500)).toBe(0); // not expired yet
      expect(await store.reclaimExpiredLeases(T0 + 2000, DAY, () => T0 + 2000)).toBe(2);
      expect((await store.get(null, a!.id))?.status).toBe("failed"); // its last attempt
      expect((await store.get(null, b!.id))?.status).toBe("pending");
      expect(await stranded(prefix)).toEqual([]);
    } finally {
      await store.close();
      await deleteKeys(admin!, prefix);
    }
  });
});

describeIfService("redis store: no job stays running (chaos in one process)", available, () => {
  it(
    "workers killed and connections dropped mid-run, short leases, retries and concurrency keys: every job finishes and none is left running",
    async () => {
      for (let round = 0; round < ROUNDS; round++) await chaosRound(round);
    },
    30_000 + ROUNDS * 20_000,
  );
});
