import { describe, expect, it } from "vitest";
import type { FlowCapableStore } from "../src/flows/groups.js";
import { migrate, SCHEMA_VERSION, tableNames } from "../src/sqlite/schema.js";
import type { JobRecord, Lease } from "../src/types.js";
import { newJob, T0, TYPE } from "./conformance/harness.js";
import { useSqliteFiles } from "./support/sqlite-files.js";

// Migration 7 keys the steps table by the job's rowid (steps appended in claim order).

const { freshPath, open, connect } = useSqliteFiles("lf-sqlite-steps-");

const leaseOf = (job: JobRecord): Lease => ({
  jobId: job.id,
  workerId: job.leaseOwner!,
  attempt: job.attempts,
});
const step = (name: string, result: number) => ({
  name,
  status: "complete" as const,
  result,
  startedAt: T0,
  finishedAt: T0 + 1,
});

describe("sqlite store: steps keyed by their job's rowid", () => {
  it("migrates a file from version 6: its steps kept in order, deleted with their job by the new trigger", async () => {
    const path = freshPath();
    const db = connect(path);
    migrate(db, tableNames(""), 6);
    const insertJob = db.prepare(
      `INSERT INTO jobs (id, tenant_id, type, status, input, max_attempts, run_at, created_at, updated_at)
       VALUES (?, 't1', ?, 'complete', '{}', 3, ?, ?, ?)`,
    );
    insertJob.run("job_a", TYPE, T0, T0 - 50, T0);
    insertJob.run("job_b", TYPE, T0, T0 - 10, T0);
    const insertStep = db.prepare(
      "INSERT INTO jobs_steps (job_id, name, seq, result, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    insertStep.run("job_a", "second", 1, "2", T0, T0 + 1);
    insertStep.run("job_a", "first", 0, "1", T0, T0 + 1);
    insertStep.run("job_b", "only", 0, '{"x":true}', T0, T0 + 1);
    insertStep.run("job_gone", "orphan", 0, "0", T0, T0 + 1);

    const store = (await open({ path })) as unknown as FlowCapableStore;
    expect(db.prepare("SELECT max(version) FROM jobs_migrations").pluck().get()).toBe(SCHEMA_VERSION);
    expect((await store.flows.loadSteps("job_a")).map((s) => [s.name, s.result])).toEqual([
      ["first", 1],
      ["second", 2],
    ]);
    expect(await store.flows.loadSteps("job_b")).toEqual([
      { name: "only", status: "complete", result: { x: true }, startedAt: T0, finishedAt: T0 + 1 },
    ]);
    // A step of a job that no longer existed is not carried over.
    expect(db.prepare("SELECT count(*) FROM jobs_steps").pluck().get()).toBe(3);

    db.prepare("DELETE FROM jobs WHERE id = 'job_a'").run();
    expect(await store.flows.loadSteps("job_a")).toEqual([]);
    expect(db.prepare("SELECT job_id FROM jobs_steps").pluck().all()).toEqual(["job_b"]);
  });

  it("orders a job's steps by the ordinal given, or by their count without one; a stale lease stores nothing", async () => {
    const store = await open({ path: freshPath() });
    const { flows } = store as unknown as FlowCapableStore;
    await store.enqueue(newJob());
    const [job] = await store.claim({ workerId: "w1", limit: 1, leaseMs: 30_000, now: T0, types: [TYPE] });
    const lease = leaseOf(job as JobRecord);
    expect(await flows.saveStep(lease, step("z", 0), T0)).toBe(true);
    expect(await flows.saveStep(lease, step("y", 1), T0, 1)).toBe(true);
    expect(await flows.saveStep(lease, step("x", 2), T0)).toBe(true);
    expect(await flows.saveStep({ ...lease, attempt: 2 }, step("w", 3), T0, 3)).toBe(false);
    expect(await flows.saveStep({ ...lease, workerId: "w2" }, step("v", 3), T0)).toBe(false);
    expect((await flows.loadSteps(lease.jobId)).map((s) => s.name)).toEqual(["z", "y", "x"]);
  });
});
