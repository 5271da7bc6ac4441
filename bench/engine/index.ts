import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { cpuTable, ratiosAndGoals, resultsTable } from "./report.js";
import { median } from "./stats.js";
import { type BenchTarget, RESULT_PREFIX } from "./system.js";
import { ENGINE_TARGETS } from "./targets.js";
import type { EngineFigures } from "./workloads.js";

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

/** Runs one target's workloads in a child process; `noisy` picks the noisy-neighbour workload. */
export function runChild<F = EngineFigures>(
  targetName: string,
  workload: "engine" | "noisy" | "noisy-alone" | "steps" = "engine",
): Promise<F> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, targetName, workload], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`bench target "${targetName}" exited with ${code}:\n${out}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as F);
    });
  });
}

/**
 * The targets whose name contains one of `filters` (all when none is given), less those that cannot
 * run on this machine, each skipped with its reason.
 */
export async function availableTargets<T extends Pick<BenchTarget, "name" | "unavailable">>(
  all: readonly T[],
  filters: readonly string[],
): Promise<T[]> {
  const targets: T[] = [];
  for (const target of all) {
    if (filters.length > 0 && !filters.some((f) => target.name.toLowerCase().includes(f.toLowerCase())))
      continue;
    const reason = (await target.unavailable?.()) ?? null;
    if (reason === null) targets.push(target);
    else console.log(`skipping ${target.name}: ${reason}`);
  }
  return targets;
}

export function medianFigures<F extends object>(runs: readonly F[]): F {
  const first = runs[0]!;
  const out = { ...first };
  for (const key of Object.keys(first) as Array<keyof F>)
    out[key] = median(runs.map((r) => r[key] as number)) as F[keyof F];
  return out;
}

/**
 * `npm run bench -- engine [name filter…]`: every target in its own child process, BENCH_REPEAT times
 * (default 3, interleaved so load from other work spreads over all targets), medians reported.
 */
export async function runEngineBench(filters: readonly string[]): Promise<void> {
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
  const targets = await availableTargets(ENGINE_TARGETS, filters);
  const cpu = cpus();
  console.log(`engine benchmark: ${targets.map((t) => t.name).join(", ")}; ${repeat} run(s) each`);
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}`);
  const loadBefore = loadavg()[0]!;
  const runs = new Map<string, EngineFigures[]>(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= repeat; round += 1) {
    for (const target of targets) {
      const figures = await runChild<EngineFigures>(target.name);
      runs.get(target.name)!.push(figures);
      console.log(
        `run ${round} ${target.name}: ${JSON.stringify(figures, (_, v) => (typeof v === "number" ? Math.round(v * 100) / 100 : v))}`,
      );
    }
  }
  const results = new Map([...runs].map(([name, list]) => [name, medianFigures<EngineFigures>(list)]));
  console.log(`\nload average (1 min) before ${loadBefore.toFixed(2)}, after ${loadavg()[0]!.toFixed(2)}\n`);
  console.log(resultsTable(results));
  console.log("");
  console.log(cpuTable(results));
  console.log("");
  console.log(ratiosAndGoals(results));
}
