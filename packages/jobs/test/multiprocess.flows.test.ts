import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { z } from "zod";
import { createQueue, defineTask } from "../src/index.js";
import { createSqliteStore } from "../src/sqlite/index.js";

// Real processes on one SQLite file, real time: three workers race to end a batch's last members.
const FIXTURE = fileURLToPath(new URL("./fixtures/flows-worker.ts", import.meta.url));

const children: ChildProcess[] = [];
let dir = "";
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  }
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function startWorker(db: string, log: string): Promise<void> {
  return startWorkerProcess(db, log).ready;
}

function startWorkerProcess(db: string, log: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, db, log], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before ready:\n${stderr}`)));
  });
  ready.catch(() => undefined);
  return { child, ready };
}

const logLines = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);

it("a step's fn runs once across a SIGKILL between it and the next step; another process resumes", {
  timeout: 60_000,
}, async () => {
  dir = mkdtempSync(join(tmpdir(), "lf-mp-steps-"));
  const db = join(dir, "jobs.sqlite");
  const log = join(dir, "steps.log");
  const resumable = defineTask({
    name: "mp_resumable",
    input: z.object({ n: z.number() }),
    handler: () => null,
  });
  const queue = createQueue({ store: createSqliteStore({ path: db }), tasks: [resumable] });
  await queue.init();
  try {
    const first = startWorkerProcess(db, log);
    await first.ready;
    const { job } = await queue.enqueue(resumable, { n: 21 }, { tenantId: "mp" });
    const deadline = Date.now() + 30_000;
    while (!logLines(log).some((line) => line.startsWith("parse"))) {
      if (Date.now() > deadline) throw new Error("step parse never ran");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    first.child.kill("SIGKILL");
    await exited;
    writeFileSync(`${log}.go`, "");
    await startWorker(db, log);
    for (;;) {
      const current = await queue.get("mp", job.id);
      if (current.status === "complete") {
        expect(current.result).toBe(42);
        expect(current.attempts).toBe(2);
        break;
      }
      if (Date.now() > deadline) throw new Error(`job not done: ${JSON.stringify(current)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = logLines(log);
    expect(lines.filter((line) => line.startsWith("parse"))).toEqual([`parse ${first.child.pid}`]);
    expect(lines.filter((line) => line.startsWith("book"))).toHaveLength(1);
  } finally {
    await queue.close();
  }
});

it("a batch's completion job runs exactly once with 3 worker processes racing", {
  timeout: 60_000,
}, async () => {
  dir = mkdtempSync(join(tmpdir(), "lf-mp-flows-"));
  const db = join(dir, "jobs.sqlite");
  const log = join(dir, "completions.log");
  const member = defineTask({ name: "mp_member", input: z.object({ n: z.number() }), handler: () => null });
  const done = defineTask({
    name: "mp_batch_done",
    input: z.object({ batch: z.string() }),
    handler: () => null,
  });
  const queue = createQueue({ store: createSqliteStore({ path: db }), tasks: [member, done] });
  await queue.init();
  try {
    const inputs = Array.from({ length: 300 }, (_, n) => ({ n }));
    const batch = await queue.enqueueBatch(member, inputs, {
      tenantId: "mp",
      onComplete: { task: done, input: { batch: "b1" } },
    });
    await Promise.all([1, 2, 3].map(() => startWorker(db, log)));
    const deadline = Date.now() + 45_000;
    for (;;) {
      const [job] = (await queue.list({ tenantId: "mp", type: "mp_batch_done" })).jobs;
      if (job?.status === "complete") break;
      if (Date.now() > deadline) throw new Error(`completion job not done: ${JSON.stringify(job ?? null)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A sweep after the race finds nothing left: the count reached 0 once and was acted on.
    expect(await queue.sweepFlows()).toBe(0);
    const counts = await queue.counts("mp", "mp_member");
    expect(counts.complete).toBe(300);
    expect((await queue.list({ tenantId: "mp", type: "mp_batch_done" })).jobs).toHaveLength(1);
    const lines = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^b1 \d+$/);
    expect(batch.jobIds).toHaveLength(300);
  } finally {
    await queue.close();
  }
});
