/**
 * Runs the workloads for ONE target in its own process (so peak RSS and JIT state are its own) and
 * prints the figures as one JSON line: `node --import tsx bench/engine/child.ts "<target>" [engine|noisy]`.
 */
import { NOISY_TARGETS, runNoisyNeighbour } from "./noisy.js";
import { RESULT_PREFIX } from "./system.js";
import { ENGINE_TARGETS } from "./targets.js";
import { runEngineWorkloads } from "./workloads.js";

const name = process.argv[2];
const workload = process.argv[3] === "noisy" ? "noisy" : "engine";
const targets = workload === "noisy" ? NOISY_TARGETS : ENGINE_TARGETS;
const target = targets.find((t) => t.name === name);
if (target === undefined) {
  console.error(
    `Unknown ${workload} bench target "${name}". Known: ${targets.map((t) => t.name).join(", ")}.`,
  );
  process.exit(2);
}
const system = await target.setup();
try {
  const figures = workload === "noisy" ? await runNoisyNeighbour(system) : await runEngineWorkloads(system);
  console.log(RESULT_PREFIX + JSON.stringify(figures));
} finally {
  await system.close();
}
