import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "jobs-react",
    environment: "jsdom",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "src/**/*.test.ts", "src/**/*.test.tsx"],
    testTimeout: 30_000,
  },
});
