import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { webRoot } from "./paths.js";

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The server serves apps/web/dist: build it when it is missing or older than the sources (the same
 * rule as `npm start`), so the browser tests always exercise the code under test.
 */
export async function ensureWebBuilt(): Promise<void> {
  const index = path.join(webRoot, "dist/index.html");
  const sources = Math.max(
    newestSource(path.join(webRoot, "src")),
    newestSource(path.join(webRoot, "../../packages/jobs-react/src")),
    newestSource(path.join(webRoot, "../../packages/jobs/src/client")),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  // A child process with NODE_ENV=production: built inside Vitest (NODE_ENV=test) the bundle would
  // carry React's development build, and `npm start` would then serve it.
  const vitePackage = createRequire(import.meta.url).resolve("vite/package.json");
  const viteBin = path.join(path.dirname(vitePackage), "bin/vite.js");
  const result = spawnSync(process.execPath, [viteBin, "build", "--logLevel", "warn"], {
    cwd: webRoot,
    env: { ...process.env, NODE_ENV: "production" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}
