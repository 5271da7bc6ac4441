import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sourceResolve } from "../scripts/source-condition.mjs";

// The bench's own unit tests (bench/netns/netns.test.ts), a project of the root run (`npm test`);
// alone: `npx vitest run --config bench/vitest.config.ts`. No root, no services needed.
export default defineConfig({
  ...sourceResolve(),
  test: {
    name: "bench",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["**/*.test.ts"],
  },
});
