#!/usr/bin/env node
// Evaluates the history categorizer on a labeled CSV. Installed from npm it runs the compiled dist/;
// in the workspace, where the sources are wanted (the "@ledgerflow/source" condition is on, or nothing
// is built yet), it runs the TypeScript sources through tsx.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/eval/cli.js", import.meta.url);
const fromSources = import.meta.resolve("@ledgerflow/books").endsWith(".ts") || !existsSync(compiled);
let cli;
if (fromSources) {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import("../src/eval/cli.ts");
} else {
  cli = await import(compiled.href);
}
try {
  process.exitCode = cli.main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
