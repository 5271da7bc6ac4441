import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "support/close-after-writes.ts");

describe("a script that closes its SQLite queue", () => {
  // Regression: close() awaited an unref'd checkpoint thread, so Node found nothing keeping the
  // loop alive and exited with 13 (unsettled top-level await) in the middle of close().
  it("returns from close() and exits 0 after enough writes to start the checkpoint thread", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", SCRIPT], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("closed");
    expect(run.status).toBe(0);
  });
});
