import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");
export const webRoot = path.join(repoRoot, "apps/web");
export const screenshotDir = path.join(repoRoot, ".test-artifacts/screenshots");
export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures");
