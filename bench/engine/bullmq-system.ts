import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";
import type { BenchHandler, BenchPayload, BenchSystem } from "./system.js";

/**
 * BullMQ 6 on the local Redis, the peer we compare with: a unique queue name per run, obliterated at
 * the end. Options as its docs suggest for throughput; jobs are kept after completion like ours.
 */
export function bullmqSystem(url: string): BenchSystem {
  const name = `lf-bench-${randomBytes(6).toString("hex")}`;
  // Workers need maxRetriesPerRequest: null (BullMQ refuses blocking connections otherwise).
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue<BenchPayload>(name, { connection });
  let worker: Worker<BenchPayload> | undefined;
  const completedListeners = new Set<(id: string) => void>();

  return {
    async enqueue(input) {
      const job = await queue.add("bench_job", input);
      return job.id!;
    },
    async enqueueBulk(inputs) {
      const jobs = await queue.addBulk(inputs.map((data) => ({ name: "bench_job", data })));
      return jobs.map((job) => job.id!);
    },
    async startWorker(handler: BenchHandler, concurrency) {
      worker = new Worker<BenchPayload>(
        name,
        async (job) => {
          await handler({
            id: job.id!,
            input: job.data,
            progress: (pct) => job.updateProgress(pct),
          });
          return null;
        },
        { connection, concurrency },
      );
      worker.on("completed", (job) => {
        for (const listener of completedListeners) listener(job.id!);
      });
      await worker.waitUntilReady();
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    onCompleted(listener) {
      completedListeners.add(listener);
      return () => completedListeners.delete(listener);
    },
    async readStatus(jobId) {
      // A status read needs the job (progress, result) and its state: two calls in BullMQ.
      const job = await queue.getJob(jobId);
      if (job === undefined) throw new Error(`BullMQ job ${jobId} not found`);
      return { status: await job.getState(), progress: job.progress };
    },
    async close() {
      await worker?.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}
