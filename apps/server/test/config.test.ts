import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { REPO_ROOT } from "./support/start-process.js";

describe("configuration from the environment", () => {
  it("has defaults that run the app on SQLite in ./data", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      jobsStore: "sqlite",
      workerConcurrency: 4,
      jobLeaseMs: 30_000,
      redisPrefix: "lf",
      workerMode: "thread",
      jobRetentionMs: 24 * 3_600_000,
      uploadMaxBytes: 10 * 1024 * 1024,
      demoToken: undefined,
    });
    expect(config.dataDir).toBe(path.resolve("./data"));
    expect(config.databaseUrl).toBe(path.resolve("./data/ledgerflow.db"));
  });

  it("puts the jobs on PostgreSQL with the books when DATABASE_URL is postgres:// and JOBS_STORE is unset", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/app" }).jobsStore).toBe("postgres");
    expect(
      loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/app", JOBS_STORE: "sqlite" }).jobsStore,
    ).toBe("sqlite");
  });

  it("takes the lease length and the Redis key prefix from the environment", () => {
    expect(loadConfig({ JOB_LEASE_MS: "5000", REDIS_PREFIX: "{acme}" })).toMatchObject({
      jobLeaseMs: 5000,
      redisPrefix: "{acme}",
    });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "", JOBS_STORE: " " }).port).toBe(3000);
  });

  it.each([
    [{ PORT: "abc" }, 'Invalid configuration: PORT must be a number (got "abc").'],
    [{ PORT: "70000" }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "70000").'],
    [
      { JOBS_STORE: "mongo" },
      'Invalid configuration: JOBS_STORE must be memory, sqlite, postgres or redis (got "mongo").',
    ],
    [{ JOBS_STORE: "redis" }, "Invalid configuration: REDIS_URL is required when JOBS_STORE=redis."],
    [
      { JOBS_STORE: "postgres" },
      "Invalid configuration: DATABASE_URL must be a postgres:// URL when JOBS_STORE=postgres.",
    ],
    [
      { WORKER_CONCURRENCY: "0" },
      'Invalid configuration: WORKER_CONCURRENCY must be a whole number from 1 to 256 (got "0").',
    ],
    [
      { JOB_LEASE_MS: "10" },
      'Invalid configuration: JOB_LEASE_MS must be a whole number from 1000 to 3600000 (got "10").',
    ],
    [
      { REDIS_PREFIX: "a b" },
      'Invalid configuration: REDIS_PREFIX must be 1–64 letters, digits or _ : { } . - (got "a b").',
    ],
    [
      { JOB_RETENTION_HOURS: "-1" },
      'Invalid configuration: JOB_RETENTION_HOURS must be a positive number of hours (got "-1").',
    ],
    [
      { LLM_BASE_URL: "localhost" },
      'Invalid configuration: LLM_BASE_URL must be a URL such as http://localhost:11434/v1 (got "localhost").',
    ],
  ])("stops on %j with one line naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("never echoes a token it rejects", () => {
    expect(() => loadConfig({ LEDGERFLOW_DEMO_TOKEN: "secret-but-short" })).toThrow(
      /^Invalid configuration: LEDGERFLOW_DEMO_TOKEN must start with lf_ and be 16–200 characters[^"]*\.$/,
    );
  });

  it("makes `ledgerflow serve` exit at start-up with that one line and no stack trace", () => {
    const run = spawnSync("node", [path.join(REPO_ROOT, "apps/server/bin/ledgerflow.mjs"), "serve"], {
      env: { ...process.env, PORT: "not-a-port" },
      encoding: "utf8",
    });
    expect(run.status).toBe(78);
    expect(run.stderr.trim()).toBe(
      'ledgerflow: Invalid configuration: PORT must be a number (got "not-a-port").',
    );
  });
});
