import { defineProject } from "vitest/config";
import { sourceResolve } from "../../scripts/source-condition.mjs";

export default defineProject({
  // Workspace packages resolve to their TypeScript sources (docs/publishing.md).
  ...sourceResolve(),
  test: {
    name: "web",
    environment: "jsdom",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "src/**/*.test.ts", "src/**/*.test.tsx"],
    // The browser tests (test/e2e, node environment per file) start the real server and Chromium.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
