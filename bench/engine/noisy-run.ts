import { loadavg } from "node:os";
import { availableTargets, medianFigures, runChild } from "./index.js";
import { NOISY, NOISY_TARGETS, type NoisyFigures } from "./noisy.js";

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
};

const fmt = (v: number, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "—";

/**
 * `npm run bench -- noisy [name filter…]`: the noisy-neighbour workload on every store (fair share and
 * fifo) and BullMQ, each in its own child, BENCH_REPEAT times (default 3, interleaved), medians; each
 * run also drains the same backlog with no tenant B (its own child), the baseline for A's throughput.
 */
export async function runNoisyBench(filters: readonly string[]): Promise<void> {
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
  const targets = await availableTargets(NOISY_TARGETS, filters);
  console.log(
    `noisy neighbour: tenant A ${NOISY.backlog.toLocaleString("en-US")} jobs, then tenant B ${NOISY.arrivals} jobs one every ${NOISY.everyMs} ms; concurrency ${NOISY.concurrency}; ${repeat} run(s) each`,
  );
  const loadBefore = loadavg()[0] as number;
  const runs = new Map<string, NoisyFigures[]>(targets.map((t) => [t.name, []]));
  const alone = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const rounded = (_: string, v: unknown) => (typeof v === "number" ? Math.round(v * 100) / 100 : v);
  for (let round = 1; round <= repeat; round += 1) {
    for (const target of targets) {
      // The baseline first: the same backlog drained with no tenant B, in a child of its own.
      const baseline = await runChild<NoisyFigures>(target.name, "noisy-alone");
      alone.get(target.name)?.push(baseline.aThroughput);
      const figures = await runChild<NoisyFigures>(target.name, "noisy");
      runs.get(target.name)?.push(figures);
      console.log(
        `run ${round} ${target.name}: ${JSON.stringify(figures, rounded)}; A alone ${Math.round(baseline.aThroughput)} jobs/s`,
      );
    }
  }
  console.log(
    `\nload average (1 min) before ${loadBefore.toFixed(2)}, after ${(loadavg()[0] as number).toFixed(2)}\n`,
  );
  const fifoThroughput = (name: string) => {
    const fifo = runs.get(name.replace(/ tenant$/, " fifo"));
    return fifo && fifo.length > 0 ? medianFigures(fifo).aThroughput : undefined;
  };
  console.log(
    "| target | B start p50 (ms) | B start p99 (ms) | B's enqueue call p50 / p99 (ms) | B jobs during A's backlog | A throughput (jobs/s) | A alone (jobs/s) | A vs alone | A vs same store fifo |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const [name, list] of runs) {
    const m = medianFigures(list);
    const base = name.endsWith(" tenant") ? fifoThroughput(name) : undefined;
    const vs = base === undefined ? "—" : `${fmt((100 * m.aThroughput) / base)} %`;
    const aloneMedian = median(alone.get(name) ?? []);
    console.log(
      `| ${name} | ${fmt(m.bP50, 2)} | ${fmt(m.bP99, 2)} | ${fmt(m.bEnqueueP50, 2)} / ${fmt(m.bEnqueueP99, 2)} | ${fmt(m.bDuringBacklog)} / ${NOISY.arrivals} | ${fmt(m.aThroughput)} | ${fmt(aloneMedian)} | ${fmt((100 * m.aThroughput) / aloneMedian)} % | ${vs} |`,
    );
  }
}
