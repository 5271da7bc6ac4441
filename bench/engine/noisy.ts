import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { bullmqSystem } from "./bullmq-system.js";
import { engineSystem } from "./engine-system.js";
import { REDIS_URL, redisUnavailable } from "./scaleout-services.js";
import { postgresTarget, redisTarget } from "./scaleout-targets.js";
import { percentile, perSecond } from "./stats.js";
import type { BenchSystem, BenchTarget } from "./system.js";
import { sqliteTarget } from "./targets.js";

/**
 * The noisy-neighbour workload (issue 10): tenant A enqueues a 20,000-job backlog, a worker at
 * concurrency 20 starts draining it, and tenant B enqueues 100 jobs one every 10 ms. Reported: B's
 * enqueue → handler start p50/p99 (its jobs should not wait behind A's backlog), how many of B's jobs
 * arrived while A still had a backlog, and A's throughput (compared with the same store in "fifo").
 */
export const NOISY = { backlog: 20_000, arrivals: 100, everyMs: 10, concurrency: 20, bulkChunk: 1_000 };

export interface NoisyFigures {
  bP50: number;
  bP99: number;
  /** How long B's enqueue call itself took (part of the start latency), p50 and p99. */
  bEnqueueP50: number;
  bEnqueueP99: number;
  bDuringBacklog: number;
  aThroughput: number;
}

/** The scale-out stores run with their default options, as in the engine bench; NOISY_PREFETCH=N sets it. */
const PREFETCH =
  process.env.NOISY_PREFETCH === undefined ? {} : { prefetch: Number(process.env.NOISY_PREFETCH) };

export const NOISY_TARGETS: readonly BenchTarget[] = (["tenant", "fifo"] as const)
  .flatMap((fairness) => [
    { name: `memory ${fairness}`, setup: async () => engineSystem(createMemoryStore({ fairness })) },
    sqliteTarget(`sqlite ${fairness}`, { synchronous: "NORMAL", fairness }),
    postgresTarget(`postgres ${fairness}`, { fairness, ...PREFETCH }),
    redisTarget(`redis ${fairness}`, { fairness, ...PREFETCH }),
  ])
  .concat([{ name: "BullMQ", unavailable: redisUnavailable, setup: async () => bullmqSystem(REDIS_URL) }]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One run. `alone` leaves tenant B out: the same backlog drained by itself, the baseline A's throughput
 * is compared with ("today's no-op processing" of the issue, on the same store and options).
 */
export async function runNoisyNeighbour(system: BenchSystem, alone = false): Promise<NoisyFigures> {
  const { backlog, everyMs, concurrency, bulkChunk } = NOISY;
  const arrivals = alone ? 0 : NOISY.arrivals;
  for (let start = 0; start < backlog; start += bulkChunk) {
    await system.enqueueBulk(
      Array.from({ length: bulkChunk }, (_, k) => ({ i: start + k })),
      "tenant_a",
    );
  }
  const latencies: number[] = [];
  let aDone = 0;
  let aDrainedAt = Number.POSITIVE_INFINITY;
  let bDone = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const startedAt = performance.now();
  await system.startWorker((job) => {
    const { sentAt } = job.input;
    if (sentAt === undefined) {
      aDone += 1;
      if (aDone === backlog) aDrainedAt = performance.now();
    } else {
      latencies.push(performance.now() - sentAt);
      bDone += 1;
    }
    if (aDone === backlog && bDone === arrivals) allDone();
  }, concurrency);
  let bDuringBacklog = 0;
  const enqueueMs: number[] = [];
  for (let n = 0; n < arrivals; n += 1) {
    if (aDone < backlog) bDuringBacklog += 1;
    const sentAt = performance.now();
    await system.enqueue({ i: n, sentAt }, "tenant_b");
    enqueueMs.push(performance.now() - sentAt);
    await sleep(everyMs);
  }
  await finished;
  await system.stopWorker();
  return {
    bP50: percentile(latencies, 50),
    bP99: percentile(latencies, 99),
    bEnqueueP50: percentile(enqueueMs, 50),
    bEnqueueP99: percentile(enqueueMs, 99),
    bDuringBacklog,
    aThroughput: perSecond(backlog, aDrainedAt - startedAt),
  };
}
