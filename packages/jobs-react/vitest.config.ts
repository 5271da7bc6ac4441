import { defineProject } from "vitest/config";
import { sourceResolve } from "../../scripts/source-condition.mjs";

export default defineProject({
  // Workspace packages resolve to their TypeScript sources (docs/publishing.md).
  ...sourceResolve(),
  test: {
    name: "jobs-react",
    environment: "jsdom",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "src/**/*.test.ts", "src/**/*.test.tsx"],
    testTimeout: 30_000,
  },
});
