/**
 * Runs the engine workloads for ONE target in its own process (so peak RSS and JIT state are its own)
 * and prints the figures as one JSON line: `node --import tsx bench/engine/child.ts "<target name>"`.
 */
import { RESULT_PREFIX } from "./system.js";
import { ENGINE_TARGETS } from "./targets.js";
import { runEngineWorkloads } from "./workloads.js";

const name = process.argv[2];
const target = ENGINE_TARGETS.find((t) => t.name === name);
if (target === undefined) {
  console.error(`Unknown bench target "${name}". Known: ${ENGINE_TARGETS.map((t) => t.name).join(", ")}.`);
  process.exit(2);
}
const system = await target.setup();
try {
  const figures = await runEngineWorkloads(system);
  console.log(RESULT_PREFIX + JSON.stringify(figures));
} finally {
  await system.close();
}
