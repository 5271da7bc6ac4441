import type { CpuMeter } from "./cpu.js";
import { percentile, perSecond } from "./stats.js";
import type { BenchSystem } from "./system.js";

/** One run's figures for one target; rates are per second, latencies in ms, memory in MB. */
export interface EngineFigures {
  enqueueSingle: number;
  enqueueBulk: number;
  processing: number;
  progressJobs: number;
  startP50: number;
  startP99: number;
  reads: number;
  peakRssMb: number;
  /** CPU (user + sys) per 1,000 jobs of W1 processing / W2, ms: this process and the server (cpu.ts). */
  processingCpuSelf?: number;
  processingCpuServer?: number;
  progressCpuSelf?: number;
  progressCpuServer?: number;
}

export const SIZES = {
  noop: 10_000,
  progressJobs: 1_000,
  progressReports: 10,
  sequential: 300,
  reads: 20_000,
  concurrency: 20,
  bulkChunk: 1_000,
};

const range = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ i: i + offset }));

/** Resolves when `count` jobs have completed from now on. */
function completions(system: BenchSystem, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const off = system.onCompleted(() => {
      seen += 1;
      if (seen === count) {
        off();
        resolve();
      }
    });
  });
}

/** `total` calls of `call`, at most `concurrency` in flight (like that many HTTP requests at once). */
async function inParallel(total: number, concurrency: number, call: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await call(next++);
    }),
  );
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs W1–W4 on a fresh system and returns its figures. */
export async function runEngineWorkloads(system: BenchSystem, meter?: CpuMeter): Promise<EngineFigures> {
  const { noop, concurrency } = SIZES;

  // W1 — enqueue 10,000 one call at a time (20 callers at once).
  const enqueueSingleMs = await timed(() => inParallel(noop, concurrency, (i) => system.enqueue({ i })));
  // Warm-up, not timed: drain those, so the timed drain below runs warm code on every system.
  const warmedUp = completions(system, noop);
  await system.startWorker(() => null, concurrency);
  await warmedUp;
  await system.stopWorker();

  // W1 — enqueue 10,000 in bulk calls of 1,000.
  const bulkIds: string[] = [];
  const enqueueBulkMs = await timed(async () => {
    for (let start = 0; start < noop; start += SIZES.bulkChunk) {
      bulkIds.push(...(await system.enqueueBulk(range(SIZES.bulkChunk, start))));
    }
  });
  // W1 — processing: a worker at concurrency 20 drains the 10,000 waiting no-op jobs.
  const drained = completions(system, noop);
  const processingCpu = meter?.start();
  const processingMs = await timed(async () => {
    await system.startWorker(() => null, concurrency);
    await drained;
  });
  // Read before stopWorker: the round's CPU, not the shutdown's.
  const processingUsed = processingCpu?.stop();
  await system.stopWorker();

  // W2 — 1,000 jobs that each report progress 10 times.
  await system.enqueueBulk(range(SIZES.progressJobs));
  const progressed = completions(system, SIZES.progressJobs);
  const progressCpu = meter?.start();
  const progressMs = await timed(async () => {
    await system.startWorker(async (job) => {
      for (let step = 1; step <= SIZES.progressReports; step += 1) {
        await job.progress(step * 10, `Step ${step} of ${SIZES.progressReports}`);
      }
    }, concurrency);
    await progressed;
  });
  const progressUsed = progressCpu?.stop();
  await system.stopWorker();

  // W3 — 300 jobs one after another: time from calling enqueue to the handler starting.
  const latencies: number[] = [];
  let started: ((at: number) => void) | undefined;
  await system.startWorker(() => started?.(performance.now()), concurrency);
  for (let n = 0; n < SIZES.sequential; n += 1) {
    const handlerStart = new Promise<number>((resolve) => {
      started = resolve;
    });
    const done = completions(system, 1);
    const enqueuedAt = performance.now();
    await system.enqueue({ i: n });
    latencies.push((await handlerStart) - enqueuedAt);
    await done;
  }
  await system.stopWorker();

  // W4 — 20,000 status reads of finished jobs, 20 at a time.
  const readsMs = await timed(() =>
    inParallel(SIZES.reads, concurrency, (i) => system.readStatus(bulkIds[i % bulkIds.length]!)),
  );

  return {
    enqueueSingle: perSecond(noop, enqueueSingleMs),
    enqueueBulk: perSecond(noop, enqueueBulkMs),
    processing: perSecond(noop, processingMs),
    progressJobs: perSecond(SIZES.progressJobs, progressMs),
    startP50: percentile(latencies, 50),
    startP99: percentile(latencies, 99),
    reads: perSecond(SIZES.reads, readsMs),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    ...(processingUsed && {
      processingCpuSelf: (processingUsed.self * 1000) / noop,
      processingCpuServer: (processingUsed.server * 1000) / noop,
    }),
    ...(progressUsed && {
      progressCpuSelf: (progressUsed.self * 1000) / SIZES.progressJobs,
      progressCpuServer: (progressUsed.server * 1000) / SIZES.progressJobs,
    }),
  };
}
