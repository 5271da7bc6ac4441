import { randomBytes } from "node:crypto";
import { makeWorkerUtils, type Runner, run, type WorkerUtils } from "graphile-worker";
import pg from "pg";
import { DATABASE_URL, pgExec, progressTable } from "./scaleout-services.js";
import type { BenchHandler, BenchPayload, BenchSystem } from "./system.js";

/**
 * graphile-worker 0.17, a peer of the postgres store, in its own schema, with its batching options on
 * (docs: "Performance"): a local queue that locks jobs in batches, and completions batched per tick.
 * It deletes jobs when they complete, so a W4 read of a finished job is a lookup that finds nothing.
 */
export function graphileSystem(): BenchSystem {
  const schema = `gw_bench_${randomBytes(4).toString("hex")}`;
  const progress = progressTable(schema);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
  const listeners = new Set<(id: string) => void>();
  const silent = { scope: () => silent, info() {}, warn() {}, error() {}, debug() {} };
  let utils: WorkerUtils | undefined;
  let runner: Runner | undefined;
  let ready: Promise<WorkerUtils> | undefined;

  const setup = () =>
    (ready ??= (async () => {
      const made = await makeWorkerUtils({ connectionString: DATABASE_URL, schema });
      await made.migrate();
      await pgExec(progress.create);
      utils = made;
      return made;
    })());

  return {
    async enqueue(input: BenchPayload) {
      const job = await (await setup()).addJob("bench_job", { ...input }, { maxAttempts: 1 });
      return job.id;
    },
    async enqueueBulk(inputs) {
      const jobs = await (await setup()).addJobs(
        inputs.map((input) => ({ identifier: "bench_job", payload: { ...input }, maxAttempts: 1 })),
      );
      return jobs.map((job) => job.id);
    },
    async startWorker(handler: BenchHandler, concurrency) {
      await setup();
      runner = await run({
        connectionString: DATABASE_URL,
        schema,
        concurrency,
        noHandleSignals: true,
        pollInterval: 1000,
        logger: silent as never,
        preset: {
          worker: {
            localQueue: { size: concurrency * 5 },
            completeJobBatchDelay: 0,
            failJobBatchDelay: 0,
          },
        },
        taskList: {
          bench_job: async (payload, helpers) => {
            await handler({
              id: helpers.job.id,
              input: payload as BenchPayload,
              progress: (pct, message) => pool.query(progress.upsert, [helpers.job.id, pct, message]),
            });
          },
        },
      });
      runner.events.on("job:success", ({ job }) => {
        for (const listener of listeners) listener(job.id);
      });
    },
    async stopWorker() {
      await runner?.stop();
      runner = undefined;
    },
    onCompleted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async readStatus(jobId) {
      const { rows } = await pool.query(
        `SELECT locked_at, last_error FROM "${schema}"._private_jobs WHERE id = $1`,
        [jobId],
      );
      return { status: rows.length === 0 ? "complete" : "pending" };
    },
    async close() {
      await runner?.stop();
      await utils?.release();
      await pool.end();
      await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}
