#!/usr/bin/env node
// `npx ledgerflow …`: runs the compiled CLI (apps/server/dist), building it first when it is missing or
// older than its sources, as `npm start` does. Where the workspace's source condition is on (Vitest and
// `npm run test:chaos` set NODE_OPTIONS=--conditions=@ledgerflow/source) it runs the TypeScript sources
// through tsx instead, so tests exercise the code as it is now. See docs/publishing.md.
const fromSources = import.meta.resolve("@ledgerflow/jobs").endsWith(".ts");

if (fromSources) {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
} else {
  if (process.env.LEDGERFLOW_SKIP_BUILD !== "1") {
    const { buildForRun } = await import("../../../scripts/build.mjs");
    buildForRun();
  }
  await import("../dist/main.js");
}
