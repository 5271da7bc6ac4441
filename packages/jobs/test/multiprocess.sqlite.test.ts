import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../src/sqlite/index.js";
import { SCHEMA_VERSION } from "../src/sqlite/schema.js";
import type { NewJob } from "../src/types.js";

// Real processes on one SQLite file, real time: the point is what the OS and SQLite's locks do.
const FIXTURE = fileURLToPath(new URL("./fixtures/sqlite-worker.ts", import.meta.url));
const JOBS = 2_000;
const TENANT = "mp";

interface Proc {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
}

const started: Proc[] = [];
let dir = "";

afterEach(async () => {
  for (const proc of started.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGKILL");
    await proc.exited;
  }
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function startProcess(args: string[]): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("ready")) resolve();
    });
    exited.then((code) =>
      reject(new Error(`worker process exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
  ready.catch(() => undefined);
  const proc = { child, ready, exited };
  started.push(proc);
  return proc;
}

/** Polls the file until `done` holds (real time: the work happens in other processes). */
async function until(
  db: Database.Database,
  done: (complete: number) => boolean,
  timeoutMs: number,
  explain: () => string = () => "",
) {
  const count = db.prepare("SELECT count(*) FROM jobs WHERE status = 'complete'").pluck();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const complete = count.get() as number;
    if (done(complete)) return complete;
    if (Date.now() > deadline)
      throw new Error(`timed out with ${complete} of ${JOBS} jobs complete\n${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * True when some connection holds the file's write lock for longer than `waitMs`. A process frozen
 * (SIGSTOP) inside its batch transaction holds that lock until it is woken: SQLite has one writer, so
 * every other process waits — a property of SQLite, not of the engine, and not the stall under test.
 */
function writeLockHeld(path: string, waitMs: number): boolean {
  const probe = new Database(path, { timeout: waitMs });
  try {
    probe.exec("BEGIN IMMEDIATE");
    probe.exec("ROLLBACK");
    return false;
  } catch {
    return true;
  } finally {
    probe.close();
  }
}

/** Everything a stalled run needs to explain itself: statuses, leases per worker, completions per worker. */
function diagnose(db: Database.Database, path: string, logs: string[]): string {
  const statuses = db.prepare("SELECT status, count(*) AS n FROM jobs GROUP BY status").all();
  const leases = db
    .prepare(
      "SELECT lease_owner AS owner, count(*) AS n, min(lease_expires_at) AS earliestExpiry FROM jobs WHERE status = 'running' GROUP BY lease_owner",
    )
    .all();
  const due = db
    .prepare("SELECT count(*) AS n, min(run_at) AS earliest FROM jobs WHERE status = 'pending'")
    .get();
  const perWorker = logs.map((log) => ({
    log: log.slice(log.lastIndexOf("completions")),
    completed: readRecords([log]).size,
    ran: readRecords([`${log}.ran`]).size,
  }));
  return JSON.stringify(
    { now: Date.now(), statuses, leases, due, perWorker, writeLockHeldOver1s: writeLockHeld(path, 1000) },
    null,
    1,
  );
}

/** "<jobId> <attempt>" lines of several files → attempts per job id (a torn last line is skipped). */
function readRecords(files: string[]): Map<string, string[]> {
  const perJob = new Map<string, string[]>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const [jobId, attempt, ...rest] = line.split(" ");
      if (jobId === undefined || jobId === "" || attempt === undefined || rest.length > 0) continue;
      perJob.set(jobId, [...(perJob.get(jobId) ?? []), attempt]);
    }
  }
  return perJob;
}

describe("sqlite store shared by several processes", () => {
  it("lets several processes initialise one new file at the same time", async () => {
    dir = mkdtempSync(join(tmpdir(), "lf-mp-init-"));
    const path = join(dir, "jobs.sqlite");
    const procs = Array.from({ length: 4 }, () => startProcess(["init", path]));

    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0, 0]);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare("SELECT version FROM jobs_migrations ORDER BY version").pluck().all()).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
    } finally {
      db.close();
    }
  });

  it("runs 2,000 jobs on 3 worker processes, one SIGKILLed and one frozen past its leases: all complete, none twice", async () => {
    dir = mkdtempSync(join(tmpdir(), "lf-mp-"));
    const path = join(dir, "jobs.sqlite");
    const store = createSqliteStore({ path });
    const now = Date.now();
    const jobs: NewJob[] = Array.from({ length: JOBS }, (_, n) => ({
      id: `job_mp_${n}`,
      tenantId: TENANT,
      type: "mp_job",
      input: { n },
      maxAttempts: 11,
      runAt: now,
      now,
    }));
    await store.enqueueMany(jobs);
    await store.close();

    const logs = [0, 1, 2].map((i) => join(dir, `completions-${i}.log`));
    const workers = logs.map((log, i) => startProcess(["work", path, log, `w${i}`]));
    await Promise.all(workers.map((w) => w.ready));
    const db = new Database(path, { readonly: true });
    try {
      const explain = () => diagnose(db, path, logs);
      const killedAt = await until(db, (complete) => complete >= JOBS / 4, 20_000, explain);
      workers[0]!.child.kill("SIGKILL");
      expect(killedAt).toBeLessThan(JOBS);

      // A worker that stalls (GC pause, swapped out) past its leases must not overwrite the jobs'
      // new owners when it wakes up: freeze w1 until one of the jobs it held runs under another worker.
      await until(db, (complete) => complete >= JOBS / 2, 20_000, explain);
      // Frozen mid-commit, w1 would hold SQLite's only write lock and stop w2 too (no engine can help
      // that): wake it and freeze it again until it is frozen outside a transaction.
      for (let tries = 0; ; tries += 1) {
        workers[1]!.child.kill("SIGSTOP");
        if (!writeLockHeld(path, 2_000)) break;
        workers[1]!.child.kill("SIGCONT");
        if (tries === 10) throw new Error(`w1 held the write lock at 10 freezes in a row\n${explain()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const heldByFrozen = db
        .prepare("SELECT id FROM jobs WHERE status = 'running' AND lease_owner = 'w1'")
        .pluck()
        .all() as string[];
      expect(heldByFrozen.length).toBeGreaterThan(0);
      const runningElsewhere = db
        .prepare(
          "SELECT count(*) FROM jobs WHERE id IN (SELECT value FROM json_each(?)) AND status = 'running' AND lease_owner <> 'w1'",
        )
        .pluck();
      await until(
        db,
        () => (runningElsewhere.get(JSON.stringify(heldByFrozen)) as number) > 0,
        20_000,
        explain,
      );
      workers[1]!.child.kill("SIGCONT");

      await until(db, (complete) => complete === JOBS, 25_000, explain);
      await Promise.all(
        workers.slice(1).map((w) => {
          w.child.kill("SIGTERM");
          return w.exited;
        }),
      );

      const perJob = readRecords(logs);
      const twice = [...perJob].filter(([, attempts]) => attempts.length > 1);
      expect(twice).toEqual([]);
      // The frozen worker's handlers did finish after waking — and their completions were refused.
      const ran = readRecords(logs.map((log) => `${log}.ran`));
      for (const jobId of heldByFrozen) expect(ran.get(jobId)?.length ?? 0).toBeGreaterThanOrEqual(2);

      const finals = db.prepare("SELECT id, status, attempts FROM jobs").all() as Array<{
        id: string;
        status: string;
        attempts: number;
      }>;
      expect(finals.filter((j) => j.status !== "complete")).toEqual([]);
      // The kill really hit running jobs: some were reclaimed from the dead worker and run again.
      expect(finals.some((j) => j.attempts > 1)).toBe(true);
      // Each recorded completion is the job's last attempt, the one the store kept.
      const attemptsOf = new Map(finals.map((j) => [j.id, j.attempts]));
      for (const [jobId, [attempt]] of perJob) expect(Number(attempt)).toBe(attemptsOf.get(jobId));
    } finally {
      db.close();
    }
  }, 60_000);
});
