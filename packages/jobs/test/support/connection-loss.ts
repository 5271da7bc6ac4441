import { expect } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask, type Queue } from "../../src/index.js";
import type { JobStore } from "../../src/types.js";
import { eventually } from "../conformance/harness.js";

export const CONNECTION_LOSS_JOBS = 300;
export const CONNECTION_LOSS_TENANT = "tenant_a";
const silent = { info() {}, warn() {}, error() {} };

const connectionLossTask = (runs: Map<number, number>) =>
  defineTask({
    name: "connection_loss",
    input: z.object({ n: z.number() }),
    retries: 5,
    backoff: { baseMs: 10, maxMs: 50 },
    handler: async (ctx) => {
      runs.set(ctx.input.n, (runs.get(ctx.input.n) ?? 0) + 1);
      ctx.progress(50, "Half way");
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { n: ctx.input.n };
    },
  });

export type ConnectionLossTask = ReturnType<typeof connectionLossTask>;

/**
 * Runs 300 jobs on `store` through the real engine and, once a fifth of them are complete, calls
 * `breakConnections` (the store-specific kill); then every job must still complete, none lost.
 * `prepare` runs after init (open the event connection so it is killed too); `afterRecovery` checks
 * whatever else must have come back. The caller owns creating and cleaning up the store's storage.
 */
export async function runThroughConnectionLoss(options: {
  store: JobStore;
  breakConnections: () => Promise<void>;
  prepare?: () => Promise<void>;
  afterRecovery?: (queue: Queue, task: ConnectionLossTask) => Promise<void>;
}): Promise<void> {
  const { store } = options;
  const runs = new Map<number, number>();
  const task = connectionLossTask(runs);
  const queue = createQueue({ store, tasks: [task] });
  const worker = createWorker(queue, { concurrency: 8, leaseMs: 2_000, pollIntervalMs: 20, logger: silent });
  try {
    await queue.init();
    await options.prepare?.();
    await queue.enqueueMany(
      task,
      Array.from({ length: CONNECTION_LOSS_JOBS }, (_, n) => ({ n })),
      { tenantId: CONNECTION_LOSS_TENANT },
    );
    worker.start();
    const complete = async () => (await store.countByStatus(CONNECTION_LOSS_TENANT)).complete;

    await eventually(
      async () => expect(await complete()).toBeGreaterThanOrEqual(CONNECTION_LOSS_JOBS / 5),
      20_000,
    );
    await options.breakConnections();
    // The test's own read may land on a pooled connection that was just killed (every idle one is):
    // retry the read, not the check — the engine's recovery is what is under test.
    const afterKill = await eventually(complete, 5_000);
    expect(afterKill).toBeLessThan(CONNECTION_LOSS_JOBS); // the kill landed mid-run

    await eventually(async () => expect(await complete()).toBe(CONNECTION_LOSS_JOBS), 30_000);
    expect(await store.countByStatus(CONNECTION_LOSS_TENANT)).toMatchObject({
      complete: CONNECTION_LOSS_JOBS,
      failed: 0,
      pending: 0,
      running: 0,
    });
    expect(runs.size).toBe(CONNECTION_LOSS_JOBS);
    await options.afterRecovery?.(queue, task);
  } finally {
    await worker.stop();
    await queue.close();
  }
}
