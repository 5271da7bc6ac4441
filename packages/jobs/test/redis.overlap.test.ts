import { expect, it, vi } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask } from "../src/index.js";
import { createMemoryStore } from "../src/memory/index.js";
import type { RedisJobStore } from "../src/redis/index.js";
import type { ClaimRequest, JobRecord, JobStore } from "../src/types.js";
import { eventually } from "./conformance/harness.js";
import { useRedisStores } from "./support/redis-stores.js";
import { describeIfService, redisAvailable } from "./support/services.js";

// Overlap (decision 0012, addendum): a worker keeps two claims (ticks) in flight, each for slots the
// other did not ask for, and the second is written to Redis at once rather than queued behind the
// first (ioredis sends one auto-pipeline at a time) — so Redis runs one tick while the process runs
// the other's jobs.

const available = await redisAvailable();
const stores = useRedisStores(available);
const silent = { info() {}, warn() {}, error() {} };

/**
 * Watches the script calls carrying `marker` (a worker id: its claims and ticks carry it) from the
 * moment ioredis writes them until their reply. Calls written in one synchronous run (one pipeline)
 * form a batch; `overlapped` counts calls written while one of an earlier batch was still unanswered —
 * two ticks in flight, the second sent before the first came back (not merely two in one pipeline).
 */
function scriptsInFlight(store: RedisJobStore, marker: string) {
  const send = store.client.sendCommand.bind(store.client);
  const live = new Map<object, number>();
  let batch = 0;
  let inBatch = false;
  const seen = { calls: 0, overlapped: 0 };
  const spy = vi.spyOn(store.client, "sendCommand").mockImplementation((command, stream) => {
    if (command && /^eval/i.test(command.name) && command.args.some((arg) => String(arg) === marker)) {
      if (!inBatch) {
        batch += 1;
        inBatch = true;
        queueMicrotask(() => {
          inBatch = false;
        });
      }
      seen.calls += 1;
      if ([...live.values()].some((b) => b !== batch)) seen.overlapped += 1;
      live.set(command, batch);
      const done = () => live.delete(command);
      command.promise.then(done, done);
    }
    return send(command, stream);
  });
  return { seen, restore: () => spy.mockRestore() };
}

/** Drains `count` jobs through one worker; returns how often each job's handler ran and the most at once. */
async function drain(store: RedisJobStore, count: number, concurrency: number, workerId: string) {
  const runs = new Map<string, number>();
  let active = 0;
  let maxActive = 0;
  const task = defineTask({
    name: "overlap_job",
    input: z.object({ i: z.number() }),
    retries: 0,
    handler: async (ctx) => {
      runs.set(ctx.jobId, (runs.get(ctx.jobId) ?? 0) + 1);
      active += 1;
      maxActive = Math.max(maxActive, active);
      // Some jobs finish at once, some a turn later: slots free unevenly.
      if (ctx.input.i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
      return null;
    },
  });
  const queue = createQueue({ store, tasks: [task] });
  await queue.init();
  const ids: string[] = [];
  for (let i = 0; i < count; i += 500) {
    const batch = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({ i: i + j }));
    for (const result of await queue.enqueueMany(task, batch, { tenantId: "tenant_overlap" }))
      ids.push(result.job.id);
  }
  const worker = createWorker(queue, { concurrency, workerId, logger: silent });
  worker.start();
  await eventually(async () => {
    expect((await store.countByStatus("tenant_overlap")).complete).toBe(count);
  }, 20_000);
  await worker.stop();
  return { ids, runs, maxActive };
}

describeIfService("redis store: ticks overlap", available, () => {
  it("keeps two of a worker's ticks on the wire at once under load, and completes every job exactly once within its concurrency", async () => {
    const store = await stores.open();
    expect(store.capabilities.claimsInFlight).toBe(2);
    const wire = scriptsInFlight(store, "overlap-w1");
    const { ids, runs, maxActive } = await drain(store, 3000, 20, "overlap-w1");
    wire.restore();
    // Most rounds overlap; a few (the start, the end of the line) may not.
    expect(wire.seen.overlapped).toBeGreaterThan(wire.seen.calls / 4);
    expect(runs.size).toBe(ids.length);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(maxActive).toBeLessThanOrEqual(20);
    const counts = await store.countByStatus("tenant_overlap");
    expect(counts).toMatchObject({ complete: 3000, running: 0, pending: 0 });
    for (const id of ids.slice(0, 50)) {
      expect(await store.get(null, id)).toMatchObject({ status: "complete", attempts: 1 });
    }
  });

  it("with claimsInFlight 1, never has two of a worker's ticks on the wire", async () => {
    const store = await stores.open({ claimsInFlight: 1 });
    expect(store.capabilities.claimsInFlight).toBe(1);
    const wire = scriptsInFlight(store, "overlap-w2");
    const { ids, runs, maxActive } = await drain(store, 600, 20, "overlap-w2");
    wire.restore();
    expect(wire.seen.calls).toBeGreaterThan(0);
    expect(wire.seen.overlapped).toBe(0);
    expect(runs.size).toBe(ids.length);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(maxActive).toBeLessThanOrEqual(20);
  });
});

/**
 * A store whose claims are answered by the test: records each claim's limit and the slots free then
 * (`free()`), so the test can check that the claims in flight never asked for more than were free.
 */
function heldClaims(inner: JobStore, claimsInFlight: number) {
  const pending: { request: ClaimRequest; resolve: () => void }[] = [];
  const asked: number[] = [];
  let inFlight = 0;
  let askedInFlight = 0;
  let maxAskedInFlight = 0;
  let maxInFlight = 0;
  const store: JobStore = Object.create(inner, {
    capabilities: { value: { ...inner.capabilities, claimsInFlight } },
    claim: {
      value: async (request: ClaimRequest): Promise<JobRecord[]> => {
        asked.push(request.limit);
        inFlight += 1;
        askedInFlight += request.limit;
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxAskedInFlight = Math.max(maxAskedInFlight, askedInFlight);
        await new Promise<void>((resolve) => pending.push({ request, resolve }));
        const jobs = await inner.claim({ ...request, now: Date.now() });
        inFlight -= 1;
        askedInFlight -= request.limit;
        return jobs;
      },
    },
  });
  const answerOne = () => pending.shift()?.resolve();
  return {
    store,
    asked,
    answerOne,
    get waiting() {
      return pending.length;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get maxAskedInFlight() {
      return maxAskedInFlight;
    },
  };
}

it("the claimer's overlapping claims never ask for more slots together than the worker has free", async () => {
  const memory = createMemoryStore();
  const held = heldClaims(memory, 2);
  const done = new Set<string>();
  let active = 0;
  let maxActive = 0;
  const task = defineTask({
    name: "held_job",
    input: z.object({ i: z.number() }),
    retries: 0,
    handler: async (ctx) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, ctx.input.i % 4));
      active -= 1;
      done.add(ctx.jobId);
      return null;
    },
  });
  const queue = createQueue({ store: held.store, tasks: [task] });
  await queue.init();
  await queue.enqueueMany(
    task,
    Array.from({ length: 200 }, (_, i) => ({ i })),
    { tenantId: "tenant_held" },
  );
  const worker = createWorker(queue, { concurrency: 8, pollIntervalMs: 5, logger: silent });
  worker.start();
  // Claims are answered one at a time, oldest first, a little after they were sent.
  const answering = setInterval(() => held.answerOne(), 1);
  await eventually(() => expect(done.size).toBe(200), 10_000);
  await worker.stop();
  clearInterval(answering);
  expect(held.maxInFlight).toBe(2);
  expect(held.maxAskedInFlight).toBeLessThanOrEqual(8);
  // Slots that free together are split across the two claims: the first claim asks for half.
  expect(held.asked[0]).toBe(4);
  expect(maxActive).toBeLessThanOrEqual(8);
});
