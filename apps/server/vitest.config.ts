import { defineProject } from "vitest/config";
import { sourceResolve } from "../../scripts/source-condition.mjs";

export default defineProject({
  // Workspace packages resolve to their TypeScript sources (docs/publishing.md).
  ...sourceResolve(),
  test: {
    name: "server",
    environment: "node",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
