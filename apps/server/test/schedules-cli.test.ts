import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCompany, createTenant } from "@ledgerflow/books";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { reconcileNightlySchedules } from "../src/domain/nightly.js";
import { openRuntime } from "../src/runtime/open.js";
import { REPO_ROOT } from "./support/start-process.js";

const BIN = path.join(REPO_ROOT, "apps/server/bin/ledgerflow.mjs");
let dataDir: string;

function ledgerflow(...args: string[]) {
  const run = spawnSync("node", [BIN, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn", JOBS_STORE: "sqlite" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// What `serve` does at start, on the same SQLite file the CLI then reads.
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-schedules-cli-"));
  const config = loadConfig({ DATA_DIR: dataDir, JOBS_STORE: "sqlite" });
  const runtime = await openRuntime(config, pino({ level: "silent" }));
  try {
    await createTenant(runtime.db, { id: "ten_cli", name: "CLI" });
    await createCompany(runtime.db, "ten_cli", { id: "co_cli", name: "CLI Ltd" });
    await reconcileNightlySchedules(runtime.db, runtime.queue, config.nightly);
  } finally {
    await runtime.close();
  }
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("ledgerflow schedules", () => {
  it("lists every tenant's schedules, and pauses and resumes one by name", () => {
    const listed = ledgerflow("schedules", "ls", "--json");
    expect(listed.stderr).toBe("");
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        tenant_id: "ten_cli",
        name: "nightly:company-co_cli",
        cron: "0 3 * * *",
        timezone: "UTC",
        paused: false,
        next_fire_at: expect.stringMatching(/T03:00:00\.000Z$/),
      }),
    ]);

    const paused = ledgerflow("schedules", "pause", "nightly:company-co_cli", "--json");
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toEqual([
      expect.objectContaining({ paused: true, next_fire_at: null }),
    ]);
    const text = ledgerflow("schedules", "ls");
    expect(text.stdout).toMatch(/^nightly:company-co_cli +paused +0 3 \* \* \* +UTC +next — UTC/);

    expect(ledgerflow("schedules", "resume", "nightly:company-co_cli").stdout).toContain("active");
  });

  it("says so in one line when the schedule does not exist", () => {
    const run = ledgerflow("schedules", "pause", "nightly:company-co_nope");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('ledgerflow: Schedule "nightly:company-co_nope" was not found.\n');
  });
});
