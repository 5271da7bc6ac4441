/**
 * `npm run bench [-- <part> [filters…]]`: runs one benchmark part, or all of them. Each part is a
 * module under bench/<part>/ exporting its runner; other parts (server, books) join this table.
 */
const PARTS: Record<string, (filters: readonly string[]) => Promise<void>> = {
  engine: async (filters) => (await import("./engine/index.js")).runEngineBench(filters),
  noisy: async (filters) => (await import("./engine/noisy-run.js")).runNoisyBench(filters),
  // One ctx.step per no-op job against none, on each of our stores (bench/engine/steps.ts).
  steps: async (filters) => (await import("./engine/steps-run.js")).runStepsBench(filters),
  // Needs root (ip netns) and minutes; not run by a bare `npm run bench`.
  netns: async (filters) => (await import("./netns/index.js")).runNetnsBench(filters),
  // A 100,000-row upload (40 chunk children) drained by 1, 2 and 4 worker processes.
  uploads: async (filters) => (await import("./uploads/index.js")).runUploadsBench(filters),
  books: async (filters) => (await import("../packages/books/bench/upload.js")).runBooksBench(filters),
  http: async () => {
    await (await import("../apps/server/bench/http.js")).runHttpBench();
  },
};

/** Parts a bare `npm run bench` leaves out: they need root or much longer (uploads: ~10 min). */
const OPT_IN = new Set(["netns", "uploads"]);

const [part, ...filters] = process.argv.slice(2);
if (part !== undefined && !(part in PARTS)) {
  console.error(`Unknown benchmark part "${part}". Parts: ${Object.keys(PARTS).join(", ")}.`);
  process.exit(2);
}
for (const [name, run] of Object.entries(PARTS)) {
  if (part === name || (part === undefined && !OPT_IN.has(name))) {
    console.log(`\n## ${name}\n`);
    await run(part === name ? filters : []);
  }
}
