import { existsSync, readdirSync, statSync } from "node:fs";
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
  const { build } = await import("vite");
  await build({ root: webRoot, logLevel: "warn", configFile: path.join(webRoot, "vite.config.ts") });
}
