import { z } from "zod";
import { createQueue, type Queue } from "../../src/queue.js";
import { type AnyTask, defineTask } from "../../src/task.js";
import { createFakeClock, type FakeClock } from "../../src/testing/fake-clock.js";
import type { JobStatus, TaskContext, TaskLogger } from "../../src/types.js";
import { createWorker, type Worker, type WorkerOptions } from "../../src/worker/pool.js";
import { eventually, type StoreHarness, TENANT } from "./harness.js";

export const silentLogger: TaskLogger = { info() {}, warn() {}, error() {} };

export interface Gate {
  promise: Promise<void>;
  open(): void;
}

/** Gates not yet opened: the engine's cleanup opens them so no handler is left waiting. */
const unopened = new Set<Gate>();

/** A promise the test opens when it wants a handler to continue: no sleeps. */
export function gate(): Gate {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const g: Gate = {
    promise,
    open() {
      unopened.delete(g);
      resolve();
    },
  };
  unopened.add(g);
  return g;
}

export const inputSchema = z.object({ n: z.number().int() });
export type TestInput = z.infer<typeof inputSchema>;

/** Jobs whose handler has been called: a job can be `running` in the store before its handler starts. */
const startedHandlers = new Set<string>();

/** A test task: `run` is the handler body. Retries default to 0 so failures are final unless asked. */
export function testTask(
  name: string,
  run: (ctx: TaskContext<TestInput>) => Promise<unknown> | unknown,
  options: { retries?: number; timeoutMs?: number; dedupe?: boolean } = {},
): AnyTask {
  return defineTask({
    name,
    input: inputSchema,
    retries: options.retries ?? 0,
    timeoutMs: options.timeoutMs ?? 60_000,
    backoff: { baseMs: 1000, factor: 2, maxMs: 60_000, jitter: 0 },
    dedupeKey: options.dedupe ? (input) => `n:${input.n}` : undefined,
    handler: async (ctx) => {
      startedHandlers.add(ctx.jobId);
      return ((await run(ctx)) ?? null) as never;
    },
  });
}

export interface Engine {
  clock: FakeClock;
  queue: Queue;
  worker(options?: WorkerOptions): Worker;
  /**
   * Moves fake time forward in steps until `check` passes. For timers whose work is a network round
   * trip: a tick that fires while the previous one's store call is in flight is skipped, so a single
   * big jump can leave the effect for a tick that never comes.
   */
  advanceUntil<T>(check: () => Promise<T>, stepMs: number, maxSteps?: number): Promise<T>;
  /**
   * Waits (real time, bounded) until the job has `status`; returns it. For "running" it also waits for
   * the handler to have started: the claim commits before the worker gets its answer.
   */
  until(
    jobId: string,
    status: JobStatus,
    check?: (job: Awaited<ReturnType<Queue["get"]>>) => void,
  ): ReturnType<Queue["get"]>;
}

export const GRACE_MS = 1000;

/**
 * The engine on top of the store under test, in fake time. Workers are stopped after the test even
 * when a handler never returns (the clock is moved past their grace period).
 */
export function startEngine(h: StoreHarness, tasks: AnyTask[]): Engine {
  const clock = createFakeClock();
  const queue = createQueue({ store: h.store, tasks, clock, retentionMs: 60 * 60 * 1000 });
  return {
    clock,
    queue,
    worker(options = {}) {
      const worker = createWorker(queue, {
        concurrency: 4,
        leaseMs: 10_000,
        pollIntervalMs: 100,
        shutdownGraceMs: GRACE_MS,
        logger: silentLogger,
        random: () => 0.5,
        ...options,
      });
      h.defer(async () => {
        for (const g of [...unopened]) g.open();
        const stopping = worker.stop();
        await clock.advance(options.shutdownGraceMs ?? GRACE_MS);
        await stopping;
      });
      worker.start();
      return worker;
    },
    async advanceUntil(check, stepMs, maxSteps = 50) {
      for (let step = 0; ; step++) {
        try {
          return await check();
        } catch (error) {
          if (step >= maxSteps) throw error;
          await clock.advance(stepMs);
          // Give a store on the network time to answer before looking again.
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    },
    until(jobId, status, check) {
      return eventually(async () => {
        const job = await queue.get(TENANT, jobId);
        if (job.status !== status) throw new Error(`job ${jobId} is ${job.status}, waiting for ${status}`);
        if (status === "running" && !startedHandlers.has(jobId))
          throw new Error(`job ${jobId}: handler not started`);
        check?.(job);
        return job;
      });
    },
  };
}
