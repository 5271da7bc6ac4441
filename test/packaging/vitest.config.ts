import { defineProject } from "vitest/config";
import { sourceResolve } from "../../scripts/source-condition.mjs";

export default defineProject({
  // The test itself runs from sources like every project; what it installs runs without the condition.
  ...sourceResolve(),
  test: {
    name: "packaging",
    environment: "node",
    include: ["*.test.ts"],
    testTimeout: 120_000,
    // Build, pack and install once for the file.
    hookTimeout: 300_000,
  },
});
