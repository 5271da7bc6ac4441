#!/usr/bin/env node
// `npm start`: compiles the packages and the server to dist/ when they are missing or older than their
// sources (tsc -b, scripts/build.mjs), builds the web app the same way, then runs the compiled
// `ledgerflow serve` (API + worker + sweeper on SQLite in ./data) in this process, so SIGTERM reaches
// the server directly. Extra arguments are passed on: `npm start -- --no-worker`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildForRun } from "./build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const web = path.join(root, "apps/web");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildWebIfNeeded() {
  const pkgFile = path.join(web, "package.json");
  if (!existsSync(pkgFile)) return;
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  if (!pkg.scripts?.build || !existsSync(path.join(web, "src"))) return;
  const built = path.join(web, "dist/index.html");
  const sources = Math.max(
    newestMtime(path.join(web, "src")),
    existsSync(path.join(web, "index.html")) ? statSync(path.join(web, "index.html")).mtimeMs : 0,
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log("Building the web app (apps/web)…");
  const result = spawnSync("npm", ["run", "build", "-w", pkg.name], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.warn(
      "The web app did not build; serving the API with a plain home page. Fix it with: npm run build -w " +
        pkg.name,
    );
  }
}

const SOURCE_FLAG = "--conditions=@ledgerflow/source";

/**
 * Started with the workspace's source condition on (from a test's environment), the compiled server
 * would import the packages' .ts sources: run again without it. The copy gets its own process group,
 * so a signal sent to this group reaches the server once (from here), not twice — a second SIGTERM
 * makes it exit without waiting for running jobs. If this process dies, the IPC channel closes and
 * the copy shuts down as on SIGTERM.
 */
function rerunWithoutSourceCondition() {
  const nodeOptions = (process.env.NODE_OPTIONS ?? "").split(/\s+/).filter((o) => o !== SOURCE_FLAG);
  const child = spawn(
    process.execPath,
    [...process.execArgv.filter((a) => a !== SOURCE_FLAG), ...process.argv.slice(1)],
    {
      stdio: ["inherit", "inherit", "inherit", "ipc"],
      detached: true,
      env: { ...process.env, NODE_OPTIONS: nodeOptions.join(" ") },
    },
  );
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}

if (import.meta.resolve("@ledgerflow/jobs").endsWith(".ts")) {
  rerunWithoutSourceCondition();
} else {
  if (process.channel) {
    // Run again by rerunWithoutSourceCondition: stop when the process that started this one is gone.
    process.channel.unref();
    process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  }
  buildForRun();
  if (process.env.LEDGERFLOW_SKIP_WEB_BUILD !== "1") buildWebIfNeeded();
  process.argv.splice(2, process.argv.length, "serve", ...process.argv.slice(2));
  await import(path.join(root, "apps/server/dist/main.js"));
}
