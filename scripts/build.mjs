#!/usr/bin/env node
// `npm run build`: compiles every workspace package to its dist/ with `tsc -b` (incremental: with
// nothing changed it only compares timestamps), then copies beside the compiled modules the files tsc
// does not emit but the modules read at run time (SQL migrations, Lua scripts, worker-thread .mjs
// entries, CSS, the demo CSV). `--clean` deletes every dist/ first. See docs/publishing.md.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every package with a tsconfig.build.json, in dependency order (tsc -b orders them anyway). */
export const PROJECTS = ["packages/jobs", "packages/jobs-react", "packages/books", "apps/server"];

const COMPILED = /\.(ts|tsx|mts|cts)$/;

function copyAssets(srcDir, distDir) {
  let copied = 0;
  for (const entry of readdirSync(srcDir, { withFileTypes: true })) {
    const from = path.join(srcDir, entry.name);
    const to = path.join(distDir, entry.name);
    if (entry.isDirectory()) {
      copied += copyAssets(from, to);
      continue;
    }
    if (COMPILED.test(entry.name)) continue;
    if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
    mkdirSync(distDir, { recursive: true });
    copyFileSync(from, to);
    copied++;
  }
  return copied;
}

const LOCK = path.join(ROOT, "node_modules/.cache/ledgerflow-build.lock");

/** "alive", "dead" (its builder was killed) or "gone" (released meanwhile). */
function lockHolder() {
  let pid;
  try {
    pid = Number(readFileSync(LOCK, "utf8"));
    // Empty for the moment between the holder creating the file and writing its pid into it.
    if (!pid) return Date.now() - statSync(LOCK).mtimeMs < 5_000 ? "alive" : "dead";
  } catch {
    return "gone";
  }
  try {
    process.kill(pid, 0);
    return "alive";
  } catch (error) {
    return error.code === "EPERM" ? "alive" : "dead";
  }
}

/**
 * One build at a time per checkout: several `ledgerflow serve` / `worker` processes started together
 * would otherwise run tsc over the same dist/ at once. The others wait, then find it up to date. The
 * lock file holds the builder's pid, so a build that was killed does not hold it.
 */
function withBuildLock(run) {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = lockHolder();
      if (holder === "alive") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      else if (holder === "dead") rmSync(LOCK, { force: true });
    }
  }
  try {
    return run();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/**
 * Builds every project; returns true when tsc reported no error. tsc still writes its output when
 * some file has a type error, so a caller that only needs runnable JavaScript (npm start) may go on.
 */
export function build(options = {}) {
  return withBuildLock(() => buildUnlocked(options));
}

/**
 * For `npm start` and the `ledgerflow` bin: builds what is stale (tsc -b prints nothing when all is up
 * to date), and exits only when there is nothing to run; type errors are reported and run past, as tsx
 * did (`npm test` and `npm run typecheck` are where they fail).
 */
export function buildForRun() {
  const main = path.join(ROOT, "apps/server/dist/main.js");
  if (!existsSync(main)) console.log("Compiling the packages and the server to dist/ (tsc -b, once)…");
  if (build()) return;
  if (!existsSync(main)) {
    console.error("The build produced no apps/server/dist/main.js; see the errors above (npm run build).");
    process.exit(1);
  }
  console.warn("TypeScript reported the errors above; running the JavaScript it emitted anyway.");
}

function buildUnlocked({ clean = false, quiet = false }) {
  const dirs = PROJECTS.map((p) => path.join(ROOT, p));
  if (clean) for (const dir of dirs) rmSync(path.join(dir, "dist"), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const configs = dirs.map((dir) => path.join(dir, "tsconfig.build.json"));
  const result = spawnSync(process.execPath, [tsc, "-b", ...configs], {
    cwd: ROOT,
    stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
  });
  if (quiet && result.status !== 0) process.stderr.write(`${result.stdout}${result.stderr}`);
  for (const dir of dirs) copyAssets(path.join(dir, "src"), path.join(dir, "dist"));
  return result.status === 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const ok = build({ clean: process.argv.includes("--clean") });
  console.log(`${ok ? "built" : "built with errors"}: ${PROJECTS.join(", ")} in ${Date.now() - started} ms`);
  process.exit(ok ? 0 : 1);
}
