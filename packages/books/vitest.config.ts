import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "books",
    environment: "node",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
