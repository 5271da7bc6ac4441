import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The bench's own unit tests (bench/netns/netns.test.ts): not in `npm test`, which covers the
// workspaces only; run with `npx vitest run --config bench/vitest.config.ts`. No root needed.
export default defineConfig({
  test: { root: fileURLToPath(new URL(".", import.meta.url)), include: ["**/*.test.ts"] },
});
