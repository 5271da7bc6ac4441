/**
 * Runs the workloads for ONE target in its own process (so peak RSS and JIT state are its own) and
 * prints the figures as one JSON line: `node --import tsx bench/engine/child.ts "<target>" [engine|noisy|noisy-alone|steps|netns]`.
 * netns is the network-namespace part's short workload (bench/netns/), run inside the namespace.
 */
import { runNetnsWorkload } from "../netns/workload.js";
import { cpuMeter, serverOf } from "./cpu.js";
import { NOISY_TARGETS, runNoisyNeighbour } from "./noisy.js";
import { runStepsWorkload, STEPS_TARGETS } from "./steps.js";
import { RESULT_PREFIX } from "./system.js";
import { ENGINE_TARGETS } from "./targets.js";
import { runEngineWorkloads } from "./workloads.js";

const name = process.argv[2];
const kinds = ["noisy", "noisy-alone", "steps", "netns"] as const;
const workload = kinds.find((kind) => kind === process.argv[3]) ?? "engine";
const targets = workload.startsWith("noisy")
  ? NOISY_TARGETS
  : workload === "steps"
    ? STEPS_TARGETS
    : ENGINE_TARGETS;
const target = targets.find((t) => t.name === name);
if (target === undefined) {
  console.error(
    `Unknown ${workload} bench target "${name}". Known: ${targets.map((t) => t.name).join(", ")}.`,
  );
  process.exit(2);
}
const meter = cpuMeter(serverOf(target.name));
const system = await target.setup();
try {
  const figures =
    workload === "noisy" || workload === "noisy-alone"
      ? await runNoisyNeighbour(system, workload === "noisy-alone")
      : workload === "steps"
        ? await runStepsWorkload(system)
        : workload === "netns"
          ? await runNetnsWorkload(system, meter)
          : await runEngineWorkloads(system, meter);
  console.log(RESULT_PREFIX + JSON.stringify(figures));
} finally {
  await system.close();
}
