import { defineConfig } from "vitest/config";
import { sourceResolve } from "./scripts/source-condition.mjs";

// One run for the whole repo: each workspace is a project with its own environment.
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (docs/publishing.md); each project says so too.
  ...sourceResolve(),
  test: {
    projects: ["packages/*", "apps/*", "test/packaging", "bench"],
    reporters: ["default"],
  },
});
