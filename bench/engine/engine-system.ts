import type { JobStore } from "@ledgerflow/jobs";
import { createQueue, createWorker, defineTask, type Worker } from "@ledgerflow/jobs";
import { z } from "zod";
import type { BenchHandler, BenchJob, BenchPayload, BenchSystem } from "./system.js";

const TENANT = "bench";

interface EngineContext {
  readonly jobId: string;
  readonly input: BenchPayload;
  progress(percent: number, message?: string): void;
  step<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
}

/** The job a workload's handler sees: a class, so a job costs no closure (ctx.progress binds only when used). */
class EngineJob implements BenchJob {
  readonly id: string;
  readonly input: BenchPayload;
  constructor(private readonly ctx: EngineContext) {
    this.id = ctx.jobId;
    this.input = ctx.input;
  }
  progress(percent: number, message: string): void {
    this.ctx.progress(percent, message);
  }
  step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    return this.ctx.step(name, fn);
  }
}

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
      await handler(new EngineJob(ctx));
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
