import { randomBytes } from "node:crypto";
import PgBoss from "pg-boss";
import { DATABASE_URL, pgExec, progressTable } from "./scaleout-services.js";
import type { BenchHandler, BenchPayload, BenchSystem } from "./system.js";

const QUEUE = "bench_job";

/**
 * pg-boss 10, a peer of the postgres store, in its own schema. Concurrency as its docs give it in
 * v10: `concurrency` workers (one work() call each), each fetching a batch of 10 and running it one job
 * at a time, polling every 0.5 s (its minimum). It has no completion event: a job counts as completed
 * when its handler returned (pg-boss then marks the batch complete without waiting).
 */
export function pgbossSystem(): BenchSystem {
  const schema = `pgboss_bench_${randomBytes(4).toString("hex")}`;
  const progress = progressTable(schema);
  const boss = new PgBoss({
    connectionString: DATABASE_URL,
    schema,
    max: 10,
    supervise: false,
    schedule: false,
  });
  boss.on("error", () => undefined);
  const listeners = new Set<(id: string) => void>();
  let started: Promise<void> | undefined;

  const setup = () =>
    (started ??= (async () => {
      await boss.start();
      await boss.createQueue(QUEUE);
      await pgExec(progress.create);
    })());

  return {
    async enqueue(input: BenchPayload) {
      await setup();
      return (await boss.send(QUEUE, input, { retryLimit: 0 }))!;
    },
    async enqueueBulk(inputs) {
      await setup();
      const jobs = inputs.map((data) => ({ id: crypto.randomUUID(), name: QUEUE, data, retryLimit: 0 }));
      await boss.insert(jobs);
      return jobs.map((job) => job.id);
    },
    async startWorker(handler: BenchHandler, concurrency) {
      await setup();
      for (let n = 0; n < concurrency; n += 1) {
        await boss.work<BenchPayload>(QUEUE, { batchSize: 10, pollingIntervalSeconds: 0.5 }, async (jobs) => {
          for (const job of jobs) {
            await handler({
              id: job.id,
              input: job.data,
              progress: (pct, message) => boss.getDb().executeSql(progress.upsert, [job.id, pct, message]),
            });
            for (const listener of listeners) listener(job.id);
          }
        });
      }
    },
    async stopWorker() {
      await boss.offWork(QUEUE);
    },
    onCompleted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async readStatus(jobId) {
      const job = await boss.getJobById(QUEUE, jobId);
      if (job === null) throw new Error(`pg-boss job ${jobId} not found`);
      return { status: job.state };
    },
    async close() {
      await boss.stop({ graceful: false, wait: true });
      await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}
