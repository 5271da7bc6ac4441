import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryStore } from "../src/memory/index.js";
import { createQueue, type Queue } from "../src/queue.js";
import { defineTask } from "../src/task.js";
import { createFakeClock, type FakeClock } from "../src/testing/fake-clock.js";
import { waitForJob } from "../src/testing/wait-for-job.js";
import type { JobStore, TaskLogger } from "../src/types.js";
import { createWorker, OUTCOME_WRITES_PER_SLOT, type Worker } from "../src/worker/pool.js";
import { type Gate, gate, silentLogger } from "./conformance/engine-harness.js";
import { eventually } from "./conformance/harness.js";

const TENANT = "t1";

/** A memory store whose completions wait for `answer` (the store is slow) and that counts claims. */
function slowStore(answer: Gate | null) {
  const store = createMemoryStore();
  const stats = { claims: 0, completes: 0, unanswered: 0 };
  const claim = store.claim.bind(store);
  const complete = store.complete.bind(store);
  store.claim = (request) => {
    stats.claims += 1;
    return claim(request);
  };
  store.complete = async (...args) => {
    stats.completes += 1;
    stats.unanswered += 1;
    if (answer !== null) await answer.promise;
    stats.unanswered -= 1;
    return complete(...args);
  };
  return { store, stats };
}

let ran = 0;
let running = 0;
let maxRunning = 0;
const noop = defineTask({
  name: "noop",
  input: z.object({ n: z.number() }),
  retries: 1,
  backoff: { baseMs: 1000, jitter: 0 },
  handler: async () => {
    ran += 1;
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    return null;
  },
});

let cleanup: Array<{ worker: Worker; clock: FakeClock; answer: Gate | null }> = [];
afterEach(async () => {
  for (const { worker, clock, answer } of cleanup) {
    answer?.open();
    const stopped = worker.stop();
    await clock.advance(10_000);
    await stopped;
  }
  cleanup = [];
  ran = 0;
  running = 0;
  maxRunning = 0;
});

function setup(store: JobStore, answer: Gate | null, concurrency: number, logger: TaskLogger = silentLogger) {
  const clock = createFakeClock(0);
  const queue: Queue = createQueue({ store, tasks: [noop], clock });
  const worker = createWorker(queue, { concurrency, leaseMs: 3000, pollIntervalMs: 60_000, logger });
  cleanup.push({ worker, clock, answer });
  return { queue, worker, clock };
}

const inputs = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));

describe("worker pool: outcome writes are pipelined with the next claim", () => {
  it("claims the next jobs while the previous completions are still being written", async () => {
    const answer = gate();
    const { store, stats } = slowStore(answer);
    const { queue, worker } = setup(store, answer, 4);
    const jobs = await queue.enqueueMany(noop, inputs(8), { tenantId: TENANT });
    worker.start();
    // The first 4 handlers finished; their completions are unanswered, yet the next 4 were claimed,
    // ran, and their completions went out behind the first ones.
    await eventually(() => expect(ran).toBe(8));
    expect(stats.claims).toBeGreaterThanOrEqual(2);
    expect(stats.unanswered).toBe(8);
    answer.open();
    for (const { job } of jobs)
      await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
    expect(maxRunning).toBeLessThanOrEqual(4);
  });

  it("with a store that stops answering, keeps at most OUTCOME_WRITES_PER_SLOT × `concurrency` outcome writes unanswered and stops claiming", async () => {
    const answer = gate();
    const { store, stats } = slowStore(answer);
    const { queue, worker } = setup(store, answer, 5);
    await queue.enqueueMany(noop, inputs(100), { tenantId: TENANT });
    worker.start();
    const room = 5 * OUTCOME_WRITES_PER_SLOT;
    // `room` ran and wrote; 5 more ran and now hold their slots, waiting for room to write.
    await eventually(() => expect(ran).toBe(room + 5));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stats.completes).toBe(room);
    expect(worker.active).toBe(5);
    expect(ran).toBe(room + 5);
    expect((await queue.counts(TENANT)).pending).toBe(100 - room - 5);
    expect(maxRunning).toBeLessThanOrEqual(5);
  });

  it("stop() resolves only after the outcome writes in flight are answered", async () => {
    const answer = gate();
    const { store, stats } = slowStore(answer);
    const { queue, worker } = setup(store, answer, 2);
    const { job } = await queue.enqueue(noop, { n: 1 }, { tenantId: TENANT });
    worker.start();
    await eventually(() => expect(stats.unanswered).toBe(1));
    expect(worker.active).toBe(0);
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    answer.open();
    await stopping;
    expect((await queue.get(TENANT, job.id)).status).toBe("complete");
  });

  it("a completion the store refuses to take is logged; the lease expires and the job runs again", async () => {
    const { store } = slowStore(null);
    const complete = store.complete.bind(store);
    let refusals = 1;
    store.complete = async (...args) => {
      if (refusals-- > 0) throw new Error("connection reset");
      return complete(...args);
    };
    const errors: string[] = [];
    const logger: TaskLogger = { ...silentLogger, error: (message) => errors.push(message) };
    const { queue, worker, clock } = setup(store, null, 2, logger);
    const { job } = await queue.enqueue(noop, { n: 1 }, { tenantId: TENANT });
    worker.start();
    await eventually(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatch(/lease will expire/);
    // Lease 3 s, reclaim every 1.5 s, retry due 1 s later, picked up at the next poll (60 s).
    await clock.advance(4500);
    await clock.advance(60_000);
    const done = await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
    expect(done.attempts).toBe(2);
    expect(ran).toBe(2);
  });

  it("keeps the leases of finished attempts whose completions wait behind a slow store, so none is reclaimed and run twice", async () => {
    const answer = gate();
    const { store, stats } = slowStore(answer);
    // One slot: the first jobs' completions fill the room for unanswered writes, the last job
    // finished and waits for room.
    const { queue, worker, clock } = setup(store, answer, 1);
    const count = OUTCOME_WRITES_PER_SLOT + 1;
    const jobs = await queue.enqueueMany(noop, inputs(count), { tenantId: TENANT });
    worker.start();
    await eventually(() => expect(ran).toBe(count));
    expect(stats.unanswered).toBe(OUTCOME_WRITES_PER_SLOT);
    // Lease 3 s, heartbeat 1 s, reclaim 1.5 s: 5 s is longer than a lease, within the two-lease grace.
    await clock.advance(5_000);
    answer.open();
    await eventually(() => expect(stats.unanswered).toBe(0));
    await eventually(() => expect(stats.completes).toBe(count));
    for (const { job } of jobs) {
      const stored = await queue.get(TENANT, job.id);
      expect({ status: stored.status, attempts: stored.attempts }).toEqual({
        status: "complete",
        attempts: 1,
      });
    }
    expect(ran).toBe(count);
  });

  it("an outcome write that rejects anyway still gives its room back, so later outcomes are written", async () => {
    const { store } = slowStore(null);
    let throwing = 3;
    // recordOutcome never rejects unless the logger itself throws while reporting a refused write.
    const logger: TaskLogger = {
      ...silentLogger,
      error: () => {
        if (throwing-- > 0) throw new Error("log transport down");
      },
    };
    const complete = store.complete.bind(store);
    let refusals = 3;
    store.complete = async (...args) => {
      if (refusals-- > 0) throw new Error("connection reset");
      return complete(...args);
    };
    const { queue, worker } = setup(store, null, 1, logger);
    const jobs = await queue.enqueueMany(noop, inputs(5), { tenantId: TENANT });
    worker.start();
    // The first three completions were refused (their leases will expire); the last two are written.
    for (const { job } of jobs.slice(3))
      await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
    expect(ran).toBe(5);
  });

  it("an outcome write that never gets an answer stops being heartbeated after two leases (logged), so the job is reclaimed and completed by a new attempt", async () => {
    const { store, stats } = slowStore(null);
    const complete = store.complete.bind(store);
    let lost = 1;
    // The first completion's reply never comes (e.g. lost with a connection): its promise never settles.
    store.complete = (...args) => (lost-- > 0 ? new Promise<boolean>(() => undefined) : complete(...args));
    const errors: { message: string; fields: unknown }[] = [];
    const logger: TaskLogger = {
      ...silentLogger,
      error: (message, fields) => errors.push({ message, fields }),
    };
    const { queue, worker, clock } = setup(store, null, 2, logger);
    const { job } = await queue.enqueue(noop, { n: 1 }, { tenantId: TENANT });
    worker.start();
    await eventually(() => expect(ran).toBe(1));
    // Within the two-lease grace the lease is renewed: the job stays running under attempt 1.
    await clock.advance(5_000);
    expect(await queue.get(TENANT, job.id)).toMatchObject({ status: "running", attempts: 1 });
    expect(errors).toEqual([]);
    // Past it the heartbeat gives up, the lease lapses, a reclaim retries the job (backoff 1 s) and the
    // next poll runs it again.
    await clock.advance(5_000);
    await clock.advance(60_000);
    const done = await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
    expect(done.attempts).toBe(2);
    expect(ran).toBe(2);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/got no answer.*will be retried/)]);
    expect(errors[0]?.fields).toMatchObject({ jobId: job.id, attempt: 1 });
    expect(stats.completes).toBe(1);
  });
});

describe("worker pool: lease keeping survives store calls that never answer", () => {
  it("a reclaim whose answer never comes does not stop the worker reclaiming: after a lease it starts another (logged)", async () => {
    const { store } = slowStore(null);
    const reclaim = store.reclaimExpiredLeases.bind(store);
    let lost = 1;
    store.reclaimExpiredLeases = (...args) =>
      lost-- > 0 ? new Promise<number>(() => undefined) : reclaim(...args);
    const errors: string[] = [];
    const logger: TaskLogger = { ...silentLogger, error: (message) => errors.push(message) };
    const { queue, worker, clock } = setup(store, null, 1, logger);
    const { job } = await queue.enqueue(noop, { n: 1 }, { tenantId: TENANT });
    // A worker that died holding the job: its lease (3 s) lapses at t = 3 s.
    await store.claim({ workerId: "dead", limit: 1, leaseMs: 3000, now: 0, types: ["noop"] });
    worker.start();
    // Reclaims every 1.5 s: the first (t = 1.5 s) hangs; the one at t = 6 s is the first past a lease.
    await clock.advance(4_500);
    expect((await queue.get(TENANT, job.id)).status).toBe("running");
    await clock.advance(1_500);
    expect(errors).toEqual([expect.stringMatching(/reclaim.*got no answer/)]);
    await clock.advance(60_000);
    const done = await waitForJob(queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
    expect(done.attempts).toBe(2);
  });
});
