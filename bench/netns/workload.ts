import type { CpuMeter } from "../engine/cpu.js";
import { percentile, perSecond } from "../engine/stats.js";
import type { BenchSystem } from "../engine/system.js";

/** One target's figures at one network shape: W1 no-op processing and W3 enqueue → start. */
export interface NetnsFigures {
  processing: number;
  startP50: number;
  startP99: number;
  /** CPU (user + sys) per 1,000 jobs of the processing round, ms: the worker process and the server. */
  cpuSelf: number;
  cpuServer: number;
}

export const NETNS_SIZES = {
  noop: 10_000,
  warmup: 2_000,
  sequential: 200,
  concurrency: 20,
  bulkChunk: 1_000,
};

const range = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ i: i + offset }));

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

async function enqueueAll(system: BenchSystem, total: number): Promise<void> {
  for (let start = 0; start < total; start += NETNS_SIZES.bulkChunk)
    await system.enqueueBulk(range(Math.min(NETNS_SIZES.bulkChunk, total - start), start));
}

/**
 * The engine bench's W1 processing and W3 latency, only (the rest of W1–W4 adds minutes at 5 ms RTT
 * and says nothing new about the network): a warm-up drain, then 10,000 waiting no-op jobs drained at
 * concurrency 20, then 200 jobs enqueued one after another with the worker idle and waiting.
 */
export async function runNetnsWorkload(system: BenchSystem, meter: CpuMeter): Promise<NetnsFigures> {
  const { noop, concurrency } = NETNS_SIZES;
  await enqueueAll(system, NETNS_SIZES.warmup);
  const warmed = completions(system, NETNS_SIZES.warmup);
  await system.startWorker(() => null, concurrency);
  await warmed;
  await system.stopWorker();

  await enqueueAll(system, noop);
  const drained = completions(system, noop);
  const cpu = meter.start();
  const startedAt = performance.now();
  await system.startWorker(() => null, concurrency);
  await drained;
  const processingMs = performance.now() - startedAt;
  const used = cpu.stop();
  await system.stopWorker();

  const latencies: number[] = [];
  let started: ((at: number) => void) | undefined;
  await system.startWorker(() => started?.(performance.now()), concurrency);
  for (let n = 0; n < NETNS_SIZES.sequential; n += 1) {
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

  return {
    processing: perSecond(noop, processingMs),
    startP50: percentile(latencies, 50),
    startP99: percentile(latencies, 99),
    cpuSelf: (used.self * 1000) / noop,
    cpuServer: (used.server * 1000) / noop,
  };
}
