import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryStore } from "../src/memory/index.js";
import { createQueue, type Queue } from "../src/queue.js";
import { type AnyTask, defineTask } from "../src/task.js";
import { createFakeClock, type FakeClock } from "../src/testing/fake-clock.js";
import { waitForJob } from "../src/testing/wait-for-job.js";
import type { JobStore, TaskContext } from "../src/types.js";
import { createWorker, type Worker, type WorkerOptions } from "../src/worker/pool.js";
import { gate, silentLogger } from "./conformance/engine-harness.js";
import { eventually } from "./conformance/harness.js";

const TENANT = "t1";

/** Counts the calls the engine makes to the store, passing them through. */
function spyStore(store: JobStore, deaf = false) {
  const calls: Record<string, unknown[][]> = {};
  const spy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (deaf && prop === "subscribe") return () => () => {};
      return (...args: unknown[]) => {
        const list = calls[String(prop)] ?? [];
        list.push(args);
        calls[String(prop)] = list;
        return value.apply(target, args);
      };
    },
  });
  return { spy, calls, count: (name: string) => calls[name]?.length ?? 0 };
}

function task(
  name: string,
  handler: (ctx: TaskContext<{ n: number }>) => unknown,
  timeoutMs?: number,
): AnyTask {
  return defineTask({
    name,
    input: z.object({ n: z.number() }),
    retries: 0,
    timeoutMs,
    handler: async (ctx) => ((await handler(ctx)) ?? null) as never,
  });
}

let running: Array<{ worker: Worker; clock: FakeClock }> = [];
afterEach(async () => {
  for (const { worker, clock } of running) {
    const stopped = worker.stop();
    await clock.advance(10_000);
    await stopped;
  }
  running = [];
});

function setup(tasks: AnyTask[], options: WorkerOptions = {}, { deaf = false } = {}) {
  const clock = createFakeClock(0);
  const { spy, calls, count } = spyStore(createMemoryStore(), deaf);
  const queue: Queue = createQueue({ store: spy, tasks, clock });
  const worker = createWorker(queue, {
    concurrency: 20,
    leaseMs: 30_000,
    pollIntervalMs: 60_000,
    logger: silentLogger,
    ...options,
  });
  running.push({ worker, clock });
  return { clock, queue, worker, calls, count };
}

describe("worker pool", () => {
  it("fills its free slots with one claim per event-loop turn, not one per job", async () => {
    const noop = task("noop", () => null);
    const { queue, worker, calls, count } = setup([noop]);
    const results = await queue.enqueueMany(
      noop,
      Array.from({ length: 200 }, (_, n) => ({ n })),
      { tenantId: TENANT },
    );
    worker.start();
    await waitForJob(queue, { tenantId: TENANT, jobId: results.at(-1)!.job.id, status: "complete" });
    const limits = (calls.claim ?? []).map((args) => (args[0] as { limit: number }).limit);
    expect(limits[0]).toBe(20);
    expect(limits.every((limit) => limit >= 1 && limit <= 20)).toBe(true);
    // 200 jobs / 20 slots = 10 full claims; a few more for partial turns at most.
    expect(count("claim")).toBeLessThanOrEqual(15);
  });

  it("never runs more handlers at once than its concurrency", async () => {
    let now = 0;
    let max = 0;
    const tracked = task("tracked", async () => {
      now += 1;
      max = Math.max(max, now);
      await new Promise((resolve) => setImmediate(resolve));
      now -= 1;
    });
    const { queue, worker } = setup([tracked], { concurrency: 3 });
    const results = await queue.enqueueMany(
      tracked,
      Array.from({ length: 30 }, (_, n) => ({ n })),
      {
        tenantId: TENANT,
      },
    );
    worker.start();
    for (const { job } of results)
      await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
    expect(max).toBe(3);
  });

  it("wakes at once on a local enqueue instead of waiting for the poll interval", async () => {
    const noop = task("noop", () => "ran");
    const { queue, worker } = setup([noop], { pollIntervalMs: 3_600_000 });
    worker.start();
    const { job } = await queue.enqueue(noop, { n: 1 }, { tenantId: TENANT });
    const done = await waitForJob(queue, {
      tenantId: TENANT,
      jobId: job.id,
      status: "complete",
      timeoutMs: 2000,
    });
    expect(done.result).toBe("ran");
  });

  it("uses the same timers for 1 running job as for 10: none per job", async () => {
    const hold = gate();
    const slow = task("slow", () => hold.promise);
    const { queue, worker, clock } = setup([slow]);
    worker.start();
    const { job } = await queue.enqueue(slow, { n: 0 }, { tenantId: TENANT });
    await eventually(async () => expect((await queue.get(TENANT, job.id)).status).toBe("running"));
    const withOne = clock.pendingTimers;
    const more = await queue.enqueueMany(
      slow,
      Array.from({ length: 9 }, (_, n) => ({ n })),
      { tenantId: TENANT },
    );
    await eventually(async () => expect(worker.active).toBe(10));
    expect(clock.pendingTimers).toBe(withOne);
    hold.open();
    for (const { job: j } of more)
      await waitForJob(queue, { tenantId: TENANT, jobId: j.id, status: "complete" });
  });

  it("heartbeats extend every held lease once per heartbeatMs", async () => {
    const hold = gate();
    const slow = task("slow", () => hold.promise);
    const { queue, worker, clock, calls } = setup([slow], { leaseMs: 3000, heartbeatMs: 1000 });
    worker.start();
    await queue.enqueueMany(slow, [{ n: 1 }, { n: 2 }, { n: 3 }], { tenantId: TENANT });
    await eventually(() => expect(worker.active).toBe(3));
    await clock.advance(999);
    expect(calls.extendLease ?? []).toHaveLength(0);
    await clock.advance(1);
    expect(calls.extendLease).toHaveLength(3);
    await clock.advance(1000);
    expect(calls.extendLease).toHaveLength(6);
    expect(calls.extendLease?.[0]?.[1]).toBe(3000);
    hold.open();
  });

  it("writes the first progress report at once; the completion carries the last message: one progress write for a burst", async () => {
    const reporter = task("reporter", (ctx) => {
      for (let p = 10; p <= 90; p += 10) ctx.progress(p, `step ${p}`);
      return "ok";
    });
    const { queue, worker, calls } = setup([reporter]);
    worker.start();
    const { job } = await queue.enqueue(reporter, { n: 1 }, { tenantId: TENANT });
    const done = await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
    expect((calls.updateProgress ?? []).map((args) => args[1])).toEqual([10]);
    expect((calls.complete ?? []).map((args) => args[4])).toEqual(["step 90"]);
    expect(done).toMatchObject({ progress: 100, message: "step 90" });
  });

  it("a handler that ignores its signal still fails at the deadline; its late result is discarded", async () => {
    const late = gate();
    const stubborn = task(
      "stubborn",
      async () => {
        await late.promise;
        return "too late";
      },
      1000,
    );
    const { queue, worker, clock } = setup([stubborn]);
    worker.start();
    const { job } = await queue.enqueue(stubborn, { n: 1 }, { tenantId: TENANT });
    await eventually(() => expect(worker.active).toBe(1));
    await clock.advance(1000);
    const failed = await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "failed" });
    expect(failed.error?.code).toBe("timeout");
    expect(worker.active).toBe(0);
    late.open();
    await clock.advance(0);
    expect((await queue.get(TENANT, job.id)).result).toBeNull();
  });

  it("a rejected progress write (job cancelled elsewhere) aborts the handler's signal", async () => {
    const cancelled = gate();
    const aborted = gate();
    const watcher = task("watcher", async (ctx) => {
      ctx.signal.addEventListener("abort", () => aborted.open());
      ctx.progress(10);
      await cancelled.promise;
      ctx.progress(20);
      await aborted.promise;
    });
    // The worker hears no events, so only the refused write can tell it.
    const { queue, worker, clock } = setup([watcher], {}, { deaf: true });
    worker.start();
    const { job } = await queue.enqueue(watcher, { n: 1 }, { tenantId: TENANT });
    await clock.advance(60_000);
    await eventually(async () => expect((await queue.get(TENANT, job.id)).progress).toBe(10));
    await queue.store.cancel(TENANT, job.id, clock.now(), 1000);
    cancelled.open();
    await clock.advance(200);
    await aborted.promise;
    await eventually(() => expect(worker.active).toBe(0));
  });

  it("a job cancelled after its claim committed but before the worker got the answer never runs", async () => {
    let ran = false;
    const victim = task("victim", () => {
      ran = true;
    });
    const clock = createFakeClock(0);
    const store = createMemoryStore();
    const answer = gate();
    const claim = store.claim.bind(store);
    store.claim = async (request) => {
      const jobs = await claim(request);
      if (jobs.length > 0) await answer.promise;
      return jobs;
    };
    const queue = createQueue({ store, tasks: [victim], clock });
    const worker = createWorker(queue, { pollIntervalMs: 60_000, logger: silentLogger });
    running.push({ worker, clock });
    worker.start();
    const { job } = await queue.enqueue(victim, { n: 1 }, { tenantId: TENANT });
    await eventually(async () => expect((await queue.get(TENANT, job.id)).status).toBe("running"));
    await queue.cancel(TENANT, job.id);
    answer.open();
    await eventually(() => expect(worker.active).toBe(0));
    expect(ran).toBe(false);
    expect((await queue.get(TENANT, job.id)).status).toBe("cancelled");
  });

  it("stop() with nothing running resolves at once and leaves no timer behind", async () => {
    const { worker, clock } = setup([task("noop", () => null)]);
    worker.start();
    expect(clock.pendingTimers).toBeGreaterThan(0);
    await worker.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("refuses a heartbeat that would not keep the lease alive", () => {
    const queue = createQueue({ store: createMemoryStore(), tasks: [] });
    expect(() => createWorker(queue, { leaseMs: 1000, heartbeatMs: 1000 })).toThrow(/shorter than leaseMs/);
  });

  it("stop() before start() is a no-op, and start() after stop() does nothing", async () => {
    const { worker, clock } = setup([task("noop", () => null)]);
    await worker.stop();
    worker.start();
    expect(clock.pendingTimers).toBe(0);
  });
});
