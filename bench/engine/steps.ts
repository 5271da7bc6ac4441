import { perSecond } from "./stats.js";
import type { BenchHandler, BenchSystem, BenchTarget } from "./system.js";
import { ENGINE_TARGETS } from "./targets.js";

/**
 * The steps workload: the same no-op drain as W1 (a backlog drained by one worker at concurrency 20),
 * once with handlers that do nothing and once with handlers that run one durable step,
 * `await ctx.step("a", () => 1)`. The goal: a job with a step costs at most 20 % more than one
 * without, on SQLite. BENCH_STEPS_JOBS sets the backlog (default 10,000; a small value is a smoke run).
 */
export const STEPS = {
  jobs: Math.max(1, Number(process.env.BENCH_STEPS_JOBS ?? 10_000)),
  concurrency: 20,
  bulkChunk: 1_000,
};

/** Our stores only (steps are an engine feature): memory, SQLite's default (NORMAL) and FULL, PostgreSQL, Redis. */
const NAMES = ["memory", "sqlite NORMAL", "sqlite FULL", "postgres", "redis"];
export const STEPS_TARGETS: readonly BenchTarget[] = ENGINE_TARGETS.filter((t) => NAMES.includes(t.name));

export interface StepsFigures {
  /** Jobs/s draining no-op jobs. */
  plain: number;
  /** Jobs/s draining jobs that each run one step. */
  steps: number;
}

const plain: BenchHandler = () => null;
const withStep: BenchHandler = async (job) => {
  if (job.step === undefined) throw new Error("this system has no steps");
  await job.step("a", () => 1);
};

async function drain(system: BenchSystem, handler: BenchHandler, jobs: number): Promise<number> {
  for (let start = 0; start < jobs; start += STEPS.bulkChunk) {
    const size = Math.min(STEPS.bulkChunk, jobs - start);
    await system.enqueueBulk(Array.from({ length: size }, (_, i) => ({ i: start + i })));
  }
  const drained = new Promise<void>((resolve) => {
    let seen = 0;
    const off = system.onCompleted(() => {
      seen += 1;
      if (seen === jobs) {
        off();
        resolve();
      }
    });
  });
  const startedAt = performance.now();
  await system.startWorker(handler, STEPS.concurrency);
  await drained;
  const ms = performance.now() - startedAt;
  await system.stopWorker();
  return perSecond(jobs, ms);
}

/**
 * Warm-up (both handlers, not timed), then the two drains twice in the order plain, steps, steps,
 * plain, so a drift of the machine's load or of the store's size during the run weighs on both alike.
 */
export async function runStepsWorkload(system: BenchSystem): Promise<StepsFigures> {
  const { jobs } = STEPS;
  await drain(system, plain, jobs);
  await drain(system, withStep, jobs);
  const plainA = await drain(system, plain, jobs);
  const stepsA = await drain(system, withStep, jobs);
  const stepsB = await drain(system, withStep, jobs);
  const plainB = await drain(system, plain, jobs);
  return { plain: (plainA + plainB) / 2, steps: (stepsA + stepsB) / 2 };
}
