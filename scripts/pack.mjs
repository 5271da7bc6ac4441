#!/usr/bin/env node
// `node scripts/pack.mjs DEST`: builds, then packs every publishable workspace package (those not
// marked "private") into DEST with `npm pack`, as `npm publish` would upload them. Prints one JSON line:
// [{ name, version, dir, tarball }]. The packaging checks (scripts/check-packages.mjs) and the
// install test (test/packaging) use it. Offline: npm pack reads only the working tree.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, PROJECTS, ROOT } from "./build.mjs";

/** The workspace packages that are published, with their package.json. */
export function publishedPackages() {
  return PROJECTS.map((dir) => ({
    dir: path.join(ROOT, dir),
    pkg: JSON.parse(readFileSync(path.join(ROOT, dir, "package.json"), "utf8")),
  }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({
      name: pkg.name,
      version: pkg.version,
      dir,
      exports: Object.keys(pkg.exports ?? {}),
    }));
}

/**
 * Packs each published package into `dest`. `--ignore-scripts`: the build ran once here, instead of
 * once per package through their prepack scripts.
 */
export function packAll(dest) {
  build({ quiet: true });
  mkdirSync(dest, { recursive: true });
  return publishedPackages().map((p) => {
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], {
      cwd: p.dir,
      encoding: "utf8",
    });
    const [{ filename }] = JSON.parse(out);
    return { ...p, tarball: path.join(dest, filename) };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dest = process.argv[2];
  if (!dest) {
    console.error("usage: node scripts/pack.mjs DEST");
    process.exit(2);
  }
  console.log(JSON.stringify(packAll(path.resolve(dest))));
}
