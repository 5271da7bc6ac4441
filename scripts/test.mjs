#!/usr/bin/env node
// `npm test`: typecheck, lint, build and the package checks, then every Vitest project in one run.
// Ends with the plain line "N passed, N failed" that CI reads; typecheck, lint, build, publint and attw
// count as one check each.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const results = { passed: 0, failed: 0, skipped: 0 };
const failedNames = [];

function step(name, cmd, args) {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", shell: false });
  return r.status === 0;
}

function check(name, cmd, args) {
  if (step(name, cmd, args)) results.passed++;
  else {
    results.failed++;
    failedNames.push(name);
  }
}

const onlyTests = process.argv.includes("--tests-only");
if (!onlyTests) {
  check("typecheck", "npx", ["tsc", "-p", "tsconfig.json"]);
  check("lint", "npx", ["biome", "check", "."]);
  // The published packages (docs/publishing.md): dist/ builds (incremental), then publint and attw on it.
  check("build", "node", ["scripts/build.mjs"]);
  check("publint", "node", ["scripts/check-packages.mjs", "publint"]);
  check("attw", "node", ["scripts/check-packages.mjs", "attw"]);
}

const out = ".vitest-results.json";
rmSync(out, { force: true });
const extra = process.argv.slice(2).filter((a) => a !== "--tests-only");
step("tests", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${out}`,
  ...extra,
]);
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, "utf8"));
  results.passed += report.numPassedTests;
  results.failed += report.numFailedTests;
  results.skipped += report.numPendingTests + report.numTodoTests;
  // A suite that fails to load has no tests but is still a failure.
  for (const file of report.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) {
      results.failed++;
      failedNames.push(file.name);
    }
    for (const t of file.assertionResults ?? []) {
      if (t.status === "failed") failedNames.push(`${file.name} › ${t.fullName}`);
    }
  }
} else {
  results.failed++;
  failedNames.push("vitest produced no report");
}

if (failedNames.length) console.log(`\nFailed:\n${failedNames.map((n) => `  - ${n}`).join("\n")}`);
if (results.skipped) console.log(`${results.skipped} skipped (each skip says why in its name)`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
