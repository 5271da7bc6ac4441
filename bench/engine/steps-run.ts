import { loadavg } from "node:os";
import { availableTargets, medianFigures, runChild } from "./index.js";
import { STEPS, STEPS_TARGETS, type StepsFigures } from "./steps.js";

const fmt = (v: number, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "—";

/** How much more a job with one step costs than one without, in % of the latter's time per job. */
export const overheadPercent = (f: StepsFigures): number => (100 * f.plain) / f.steps - 100;

/** The goal is set on SQLite; the other stores are reported for comparison. */
const GOAL_PERCENT = 20;

/**
 * `npm run bench -- steps [name filter…]`: the steps workload (bench/engine/steps.ts) on each of our
 * stores in its own child, BENCH_REPEAT times (default 3, interleaved), medians; the overhead of one
 * `ctx.step` per no-op job, and the goal (≤ 20 % on SQLite).
 */
export async function runStepsBench(filters: readonly string[]): Promise<void> {
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
  const targets = await availableTargets(STEPS_TARGETS, filters);
  console.log(
    `steps: ${STEPS.jobs.toLocaleString("en-US")} no-op jobs drained at concurrency ${STEPS.concurrency}, without and with one ctx.step each; ${repeat} run(s) each`,
  );
  const loadBefore = loadavg()[0] as number;
  const runs = new Map<string, StepsFigures[]>(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= repeat; round += 1) {
    for (const target of targets) {
      const figures = await runChild<StepsFigures>(target.name, "steps");
      runs.get(target.name)?.push(figures);
      console.log(
        `run ${round} ${target.name}: ${fmt(figures.plain)} jobs/s without a step, ${fmt(figures.steps)} with one (${fmt(overheadPercent(figures), 1)} %)`,
      );
    }
  }
  console.log(
    `\nload average (1 min) before ${loadBefore.toFixed(2)}, after ${(loadavg()[0] as number).toFixed(2)}\n`,
  );
  console.log("| target | no step (jobs/s) | one step (jobs/s) | overhead of the step | goal ≤ 20 % |");
  console.log("|---|---:|---:|---:|:---:|");
  for (const [name, list] of runs) {
    if (list.length === 0) continue;
    const m = medianFigures(list);
    const overhead = overheadPercent(m);
    const goal = name.startsWith("sqlite") ? (overhead <= GOAL_PERCENT ? "yes" : "NO") : "—";
    console.log(`| ${name} | ${fmt(m.plain)} | ${fmt(m.steps)} | ${fmt(overhead, 1)} % | ${goal} |`);
  }
  console.log(
    "\noverhead: time per job with the step over time per job without, minus 1 (no-step jobs/s ÷ one-step jobs/s − 1); medians of the runs' figures.",
  );
}
