import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryStore } from "../src/memory/index.js";
import { createQueue } from "../src/queue.js";
import { startSweeper } from "../src/sweeper.js";
import { defineTask } from "../src/task.js";
import { createFakeClock } from "../src/testing/fake-clock.js";

const HOUR = 60 * 60 * 1000;
const noop = defineTask({ name: "noop", input: z.object({}), handler: () => null });

async function setup() {
  const clock = createFakeClock(0);
  const store = createMemoryStore();
  const deletes: number[] = [];
  const deleteExpired = store.deleteExpired.bind(store);
  store.deleteExpired = async (cutoff, limit) => {
    const n = await deleteExpired(cutoff, limit);
    deletes.push(n);
    return n;
  };
  const queue = createQueue({ store, tasks: [noop], clock, retentionMs: 24 * HOUR });
  return { clock, store, queue, deletes };
}

describe("retention sweeper", () => {
  it("deletes finished jobs 24 h after they finish, on the injected clock, and keeps the rest", async () => {
    const { clock, queue, store } = await setup();
    const [a, b, c] = await queue.enqueueMany(noop, [{}, {}, {}], { tenantId: "t" });
    await queue.cancel("t", a!.job.id);
    await clock.advance(HOUR);
    await queue.cancel("t", b!.job.id);
    const sweeper = startSweeper(queue, { intervalMs: HOUR, batchSize: 10 });

    await clock.advance(23 * HOUR);
    expect(await store.get(null, a!.job.id)).toBeNull();
    expect(await store.get(null, b!.job.id)).not.toBeNull();
    await clock.advance(HOUR);
    expect(await store.get(null, b!.job.id)).toBeNull();
    expect((await store.get(null, c!.job.id))?.status).toBe("pending");
    await sweeper.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("loops over batches until one comes back short", async () => {
    const { clock, queue, deletes } = await setup();
    const jobs = await queue.enqueueMany(
      noop,
      Array.from({ length: 25 }, () => ({})),
      { tenantId: "t" },
    );
    for (const { job } of jobs) await queue.cancel("t", job.id);
    const sweeper = startSweeper(queue, { intervalMs: 24 * HOUR, batchSize: 10 });
    await clock.advance(24 * HOUR);
    expect(deletes).toEqual([10, 10, 5]);
    expect(await sweeper.sweepNow()).toBe(0);
    await sweeper.stop();
  });

  it("sweepNow() runs one sweep on demand and reports how many it deleted", async () => {
    const { clock, queue } = await setup();
    const { job } = await queue.enqueue(noop, {}, { tenantId: "t" });
    await queue.cancel("t", job.id);
    const sweeper = startSweeper(queue, { intervalMs: 1000 * HOUR });
    clock.set(clock.now() + 25 * HOUR);
    expect(await sweeper.sweepNow()).toBe(1);
    await sweeper.stop();
  });
});
