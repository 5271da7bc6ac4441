#!/usr/bin/env node
// `node scripts/check-packages.mjs publint|attw`: the two checks of the published packages that
// `npm test` runs, each one pass/fail. Offline and a few seconds each.
//  - publint (--strict: warnings fail too): package.json fields, exports targets present in the pack.
//  - attw (@arethetypeswrong/cli) on the packed tarballs: every subpath's types resolve for node16
//    ESM and bundlers. Profile "esm-only": the packages are ES modules only (docs/decisions/0010), so
//    attw's node10 and "require from CJS" columns, which predate Node's require(esm), are left out;
//    test/packaging runs a real require() instead.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./build.mjs";
import { packAll, publishedPackages } from "./pack.mjs";

const bin = (pkg, file) => path.join(ROOT, "node_modules", pkg, file);

function run(label, args) {
  console.log(`\n${label}`);
  return spawnSync(process.execPath, args, { stdio: "inherit" }).status === 0;
}

const which = process.argv[2];
let ok = true;
if (which === "publint") {
  for (const { name, dir } of publishedPackages()) {
    ok = run(`publint ${name}`, [bin("publint", "src/cli.js"), "--strict", dir]) && ok;
  }
} else if (which === "attw") {
  const dest = mkdtempSync(path.join(tmpdir(), "ledgerflow-attw-"));
  try {
    for (const { name, tarball, exports } of packAll(dest)) {
      const args = [bin("@arethetypeswrong/cli", "dist/index.js"), tarball, "--profile", "esm-only"];
      // A stylesheet export has no types to check.
      const css = exports.filter((subpath) => subpath.endsWith(".css"));
      if (css.length) args.push("--exclude-entrypoints", ...css);
      ok = run(`attw ${name}`, [...args, "--no-definitely-typed", "--format", "table-flipped"]) && ok;
    }
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
} else {
  console.error("usage: node scripts/check-packages.mjs publint|attw");
  process.exit(2);
}
process.exit(ok ? 0 : 1);
