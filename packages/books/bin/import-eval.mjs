#!/usr/bin/env node
// Scores the CSV importer on folders of bank exports with a manifest.json (exact / asked / refused / wrong);
// runs the TypeScript sources through tsx (no build step), like eval.mjs.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/csv/evaluate.ts");
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
