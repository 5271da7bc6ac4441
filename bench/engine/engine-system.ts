import type { JobStore } from "@ledgerflow/jobs";
import { createQueue, createWorker, defineTask, type Worker } from "@ledgerflow/jobs";
import { z } from "zod";
import type { BenchHandler, BenchPayload, BenchSystem } from "./system.js";

const TENANT = "bench";

/**
 * Our engine (createQueue + createWorker) on any JobStore, used the way an app uses it: a zod-typed
 * task, default worker options except concurrency.
 */
export function engineSystem(store: JobStore, teardown: () => Promise<void> = async () => {}): BenchSystem {
  let handler: BenchHandler = () => null;
  const task = defineTask({
    name: "bench_job",
    input: z.object({ i: z.number(), sentAt: z.number().optional() }),
    retries: 0,
    handler: async (ctx) => {
      await handler({
        id: ctx.jobId,
        input: ctx.input,
        progress: (pct, message) => ctx.progress(pct, message),
      });
      return null;
    },
  });
  const queue = createQueue({ store, tasks: [task] });
  let worker: Worker | undefined;
  let initialised: Promise<void> | undefined;

  return {
    async enqueue(input: BenchPayload, tenant = TENANT) {
      initialised ??= queue.init();
      await initialised;
      return (await queue.enqueue(task, input, { tenantId: tenant })).job.id;
    },
    async enqueueBulk(inputs, tenant = TENANT) {
      initialised ??= queue.init();
      await initialised;
      const results = await queue.enqueueMany(task, inputs, { tenantId: tenant });
      return results.map((r) => r.job.id);
    },
    async startWorker(next, concurrency) {
      handler = next;
      initialised ??= queue.init();
      await initialised;
      worker = createWorker(queue, { concurrency });
      worker.start();
    },
    async stopWorker() {
      await worker?.stop();
      worker = undefined;
    },
    onCompleted(listener) {
      return queue.onEvent((event) => {
        if (event.kind === "completed") listener(event.jobId);
      });
    },
    async readStatus(jobId) {
      return queue.get(TENANT, jobId);
    },
    async close() {
      await worker?.stop();
      await queue.close();
      await teardown();
    },
  };
}
