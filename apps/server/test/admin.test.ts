import { createApiToken } from "@ledgerflow/books";
import { createWorker, defineTask, type Queue, type Worker } from "@ledgerflow/jobs";
import { inlineFlowContext, waitForJob } from "@ledgerflow/jobs/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BULK_ACTION_TASK,
  BULK_BATCH_SIZE,
  type BulkActionInput,
  createBulkActionTask,
} from "../src/domain/bulk-action.js";
import { createTestServer, type TestServer, type TestTenant } from "./support/server.js";

const echo = defineTask({
  name: "echo",
  input: z.object({ n: z.number(), note: z.string().optional() }),
  retries: 0,
  handler: (ctx) => ({ n: ctx.input.n }),
});
const boom = defineTask({
  name: "boom",
  input: z.object({ n: z.number() }),
  retries: 0,
  handler: (ctx) => {
    throw new Error(`card declined for order ${ctx.input.n}`);
  },
});

let server: TestServer;
let ops: TestTenant;
let workers: Worker[];
let queueRef: Queue | undefined;

beforeEach(async () => {
  workers = [];
  server = await createTestServer({
    tasks: [
      echo,
      boom,
      createBulkActionTask(() => {
        if (!queueRef) throw new Error("queue not ready");
        return queueRef;
      }),
    ],
  });
  queueRef = server.queue;
  const { token } = await createApiToken(server.db, server.a.tenantId, { name: "ops", operator: true });
  ops = { ...server.a, token };
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await server.close();
});

/** A worker that notices pauses within 20 ms (the default re-reads them every second). */
function startWorker(): Worker {
  const worker = createWorker(server.queue, {
    concurrency: 4,
    pollIntervalMs: 5,
    pausedRefreshMs: 20,
    shutdownGraceMs: 1000,
    logger: { info() {}, warn() {}, error() {} },
  });
  worker.start();
  workers.push(worker);
  return worker;
}

async function enqueue(task: "echo" | "boom", tenant: TestTenant, count: number, note?: string) {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const input = task === "echo" && note ? { n, note } : { n };
    ids.push((await server.queue.enqueue(task, input, { tenantId: tenant.tenantId })).job.id);
  }
  return ids;
}

async function settle(ids: string[], tenant: TestTenant, status: "complete" | "failed") {
  for (const jobId of ids) await waitForJob(server.queue, { tenantId: tenant.tenantId, jobId, status });
}

async function body<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

interface AdminList {
  jobs: { id: string; tenant_id: string; type: string; status: string; input: unknown }[];
  next_cursor: string | null;
}

describe("who may use the operator routes", () => {
  const ROUTES: [string, string, unknown?][] = [
    ["GET", "/api/admin/jobs"],
    ["GET", "/api/admin/jobs/count"],
    ["GET", "/api/admin/jobs/job_x"],
    ["POST", "/api/admin/jobs/bulk", { action: "retry", filter: {} }],
    ["POST", "/api/admin/jobs/job_x/replay"],
    ["GET", "/api/admin/tasks"],
    ["POST", "/api/admin/tasks/echo/pause"],
    ["POST", "/api/admin/tasks/echo/resume"],
    ["GET", "/api/admin/charts"],
  ];

  it.each(ROUTES)("a tenant's ordinary token gets 403 forbidden from %s %s", async (method, path, json) => {
    const res = await server.call(server.a, path, { method, ...(json ? { json } : {}) });
    expect(res.status).toBe(403);
    const error = (await body<{ error: { code: string; message: string } }>(res)).error;
    expect(error.code).toBe("forbidden");
    expect(error.message).toMatch(/operator token/);
  });

  it("no token at all is 401, an operator's token is let through", async () => {
    expect((await server.call(null, "/api/admin/jobs")).status).toBe(401);
    expect((await server.call(ops, "/api/admin/jobs")).status).toBe(200);
  });

  it("GET /api/me tells the web app whether to show the operator view", async () => {
    expect(await body(await server.call(server.a, "/api/me"))).toEqual({
      tenant_id: server.a.tenantId,
      operator: false,
    });
    expect(await body(await server.call(ops, "/api/me"))).toEqual({
      tenant_id: server.a.tenantId,
      operator: true,
    });
  });

  it("a paused task stays paused when a non-operator tries to resume it", async () => {
    await server.queue.setTaskPaused("echo", true);
    await server.call(server.b, "/api/admin/tasks/echo/resume", { method: "POST" });
    expect(await server.queue.pausedTasks()).toEqual(["echo"]);
  });
});

describe("GET /api/admin/jobs: every tenant's jobs, searched and filtered", () => {
  it("lists both tenants' jobs, each with its tenant, and narrows by tenant, task, status and text", async () => {
    startWorker();
    const a = await enqueue("echo", server.a, 2, "invoice ACME-42");
    const b = await enqueue("boom", server.b, 3);
    await settle(a, server.a, "complete");
    await settle(b, server.b, "failed");

    const all = await body<AdminList>(await server.call(ops, "/api/admin/jobs"));
    expect(all.jobs.map((j) => j.id).sort()).toEqual([...a, ...b].sort());
    expect(new Set(all.jobs.map((j) => j.tenant_id))).toEqual(
      new Set([server.a.tenantId, server.b.tenantId]),
    );

    const ofB = await body<AdminList>(
      await server.call(ops, `/api/admin/jobs?tenant_id=${server.b.tenantId}`),
    );
    expect(ofB.jobs.map((j) => j.id).sort()).toEqual([...b].sort());
    const failed = await body<AdminList>(await server.call(ops, "/api/admin/jobs?status=failed,cancelled"));
    expect(failed.jobs.every((j) => j.status === "failed")).toBe(true);
    expect(failed.jobs).toHaveLength(3);
    const echoes = await body<AdminList>(await server.call(ops, "/api/admin/jobs?task=echo"));
    expect(echoes.jobs).toHaveLength(2);
    // Text in the input, text in the error message, and an exact id.
    const byInput = await body<AdminList>(await server.call(ops, "/api/admin/jobs?q=acme-42"));
    expect(byInput.jobs.map((j) => j.id).sort()).toEqual([...a].sort());
    const byError = await body<AdminList>(await server.call(ops, "/api/admin/jobs?q=declined"));
    expect(byError.jobs).toHaveLength(3);
    const byId = await body<AdminList>(await server.call(ops, `/api/admin/jobs?q=${b[1]}`));
    expect(byId.jobs.map((j) => j.id)).toEqual([b[1]]);

    const count = await body(await server.call(ops, "/api/admin/jobs/count?status=failed"));
    expect(count).toEqual({ count: 3, capped: false });
  });

  it("narrows by creation time and refuses an empty or unreadable range, naming the field", async () => {
    await enqueue("echo", server.a, 2);
    const past = "2020-01-01T00:00:00Z";
    const future = new Date(Date.now() + 60_000).toISOString();
    const inRange = await body<AdminList>(
      await server.call(ops, `/api/admin/jobs?created_from=${past}&created_to=${future}`),
    );
    expect(inRange.jobs).toHaveLength(2);
    const before = await body<AdminList>(await server.call(ops, `/api/admin/jobs?created_to=${past}`));
    expect(before.jobs).toHaveLength(0);

    const backwards = await server.call(ops, `/api/admin/jobs?created_from=${future}&created_to=${past}`);
    expect(backwards.status).toBe(400);
    expect((await body<{ error: { message: string } }>(backwards)).error.message).toMatch(/^created_to:/);
    const garbled = await server.call(ops, "/api/admin/jobs?created_from=yesterday");
    expect(garbled.status).toBe(400);
    expect((await body<{ error: { message: string } }>(garbled)).error.message).toMatch(/created_from/);
    const badStatus = await server.call(ops, "/api/admin/jobs?status=failed,lost");
    expect(badStatus.status).toBe(400);
    expect((await body<{ error: { message: string } }>(badStatus)).error.message).toMatch(/status/);
  });

  it("reads one job of another tenant by id; an unknown id is 404", async () => {
    const [id] = await enqueue("echo", server.b, 1);
    const job = await body<{ id: string; tenant_id: string }>(
      await server.call(ops, `/api/admin/jobs/${id}`),
    );
    expect(job).toMatchObject({ id, tenant_id: server.b.tenantId });
    expect((await server.call(ops, "/api/admin/jobs/job_nope")).status).toBe(404);
  });
});

describe("bulk actions by filter, as a jobs_bulk_action job", () => {
  it("retries every failed boom job of both tenants in batches of 100 and reports the counts", async () => {
    startWorker();
    const failedA = await enqueue("boom", server.a, 130);
    const failedB = await enqueue("boom", server.b, 100);
    const done = await enqueue("echo", server.b, 3);
    await settle(failedA, server.a, "failed");
    await settle(failedB, server.b, "failed");
    await settle(done, server.b, "complete");
    // Paused, so the retried jobs wait as pending where the test can count them. The worker re-reads
    // the paused tasks every 20 ms (pausedRefreshMs): give it ten of those before the retry starts.
    await server.queue.setTaskPaused("boom", true);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const res = await server.call(ops, "/api/admin/jobs/bulk", {
      method: "POST",
      json: { action: "retry", filter: { status: ["failed"], task: "boom" } },
    });
    expect(res.status).toBe(202);
    const { job_id } = await body<{ job_id: string }>(res);
    // The operator follows it like any job of theirs.
    const bulkJob = await waitForJob(server.queue, {
      tenantId: ops.tenantId,
      jobId: job_id,
      status: "complete",
      timeoutMs: 20_000,
    });
    expect(bulkJob.type).toBe(BULK_ACTION_TASK);
    expect(bulkJob.result).toEqual({
      action: "retry",
      matched: 230,
      succeeded: 230,
      skipped: 0,
      skipped_by_reason: {},
      truncated: false,
    });
    const seen = await body<{ progress: number; message: string }>(
      await server.call(ops, `/api/jobs/${job_id}`),
    );
    expect(seen).toMatchObject({ progress: 100, message: "Retrying 230/230..." });
    const pending = await body<AdminList>(await server.call(ops, "/api/admin/jobs?status=pending&limit=500"));
    expect(pending.jobs).toHaveLength(230);
    const untouched = await body<AdminList>(await server.call(ops, "/api/admin/jobs?task=echo"));
    expect(untouched.jobs.every((j) => j.status === "complete")).toBe(true);
  });

  it("reports progress after each batch and skips, by reason, jobs that cannot take the action", async () => {
    const pending = await enqueue("echo", server.a, 250);
    const task = createBulkActionTask(() => server.queue);
    const reports: [number, string | undefined][] = [];
    await server.queue.cancel(server.a.tenantId, pending[0]!);
    const input: BulkActionInput = { action: "cancel", filter: { task: "echo" } };
    const result = await task.handler({
      input,
      ...inlineFlowContext(),
      progress: (pct, message) => reports.push([pct, message]),
      signal: new AbortController().signal,
      attempt: 1,
      jobId: "job_bulk_test",
      tenantId: ops.tenantId,
      log: { info() {}, warn() {}, error() {} },
    });
    expect(result).toMatchObject({ matched: 250, succeeded: 249, skipped: 1 });
    expect(
      Object.values((result as { skipped_by_reason: Record<string, number> }).skipped_by_reason),
    ).toEqual([1]);
    expect(reports.map(([pct]) => pct)).toEqual([0, 10, 46, 82, 100]);
    expect(reports.at(2)?.[1]).toBe(`Cancelling ${BULK_BATCH_SIZE}/250...`);
    expect(reports.at(-1)?.[1]).toBe("Cancelling 250/250...");
  });

  it("deletes the selected jobs by id in any tenant, and never acts on a bulk job", async () => {
    const [a1] = await enqueue("echo", server.a, 2);
    const [b1] = await enqueue("echo", server.b, 1);
    const first = await server.call(ops, "/api/admin/jobs/bulk", {
      method: "POST",
      json: { action: "cancel", ids: [a1, b1] },
    });
    const firstId = (await body<{ job_id: string }>(first)).job_id;
    startWorker();
    await waitForJob(server.queue, { tenantId: ops.tenantId, jobId: firstId, status: "complete" });
    const del = await server.call(ops, "/api/admin/jobs/bulk", {
      method: "POST",
      json: { action: "delete", filter: { status: ["cancelled", "complete"] } },
    });
    const delId = (await body<{ job_id: string }>(del)).job_id;
    const finished = await waitForJob(server.queue, {
      tenantId: ops.tenantId,
      jobId: delId,
      status: "complete",
    });
    // a2 ran to complete meanwhile (the worker started after the cancel): it matches too.
    expect(finished.result).toMatchObject({ action: "delete", matched: 3, succeeded: 3 });
    const left = await body<AdminList>(await server.call(ops, "/api/admin/jobs"));
    expect(left.jobs.map((j) => j.id).sort()).toEqual([firstId, delId].sort());
  });

  it("refuses a request with both or neither of filter and ids, or an unknown action", async () => {
    for (const json of [
      { action: "retry" },
      { action: "retry", filter: {}, ids: ["job_x"] },
      { action: "explode", filter: {} },
      { action: "retry", filter: { colour: "red" } },
    ]) {
      const res = await server.call(ops, "/api/admin/jobs/bulk", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect((await body<{ error: { code: string } }>(res)).error.code).toBe("invalid_request");
    }
  });
});

describe("replay and pause", () => {
  it("replays a complete job as a new job with the same task, input and tenant", async () => {
    startWorker();
    const [id] = await enqueue("echo", server.b, 1, "again");
    await settle([id!], server.b, "complete");
    const res = await server.call(ops, `/api/admin/jobs/${id}/replay`, { method: "POST" });
    expect(res.status).toBe(202);
    const replayed = await body<{ job_id: string; tenant_id: string; replay_of: string }>(res);
    expect(replayed).toMatchObject({ tenant_id: server.b.tenantId, replay_of: id });
    expect(replayed.job_id).not.toBe(id);
    const job = await waitForJob(server.queue, {
      tenantId: server.b.tenantId,
      jobId: replayed.job_id,
      status: "complete",
    });
    expect(job).toMatchObject({ type: "echo", input: { n: 0, note: "again" }, result: { n: 0 } });
  });

  it("refuses to replay a job that has not finished (409) or does not exist (404)", async () => {
    const [id] = await enqueue("echo", server.a, 1);
    const res = await server.call(ops, `/api/admin/jobs/${id}/replay`, { method: "POST" });
    expect(res.status).toBe(409);
    expect((await body<{ error: { message: string } }>(res)).error.message).toMatch(/pending/);
    expect((await server.call(ops, "/api/admin/jobs/job_missing/replay", { method: "POST" })).status).toBe(
      404,
    );
  });

  it("pauses a task (its jobs wait, the others run) and resumes it", async () => {
    const paused = await server.call(ops, "/api/admin/tasks/echo/pause", { method: "POST" });
    expect(await body(paused)).toMatchObject({ task: "echo", paused: true });
    startWorker();
    const [waiting] = await enqueue("echo", server.a, 1);
    const [other] = await enqueue("boom", server.a, 1);
    await settle([other!], server.a, "failed");
    expect((await server.queue.get(server.a.tenantId, waiting!)).status).toBe("pending");
    const tasks = await body<{ tasks: { task: string; paused: boolean; pending: number }[] }>(
      await server.call(ops, "/api/admin/tasks"),
    );
    expect(tasks.tasks.find((t) => t.task === "echo")).toMatchObject({ paused: true, pending: 1 });
    expect(tasks.tasks.map((t) => t.task)).toEqual(["boom", "echo", BULK_ACTION_TASK]);

    const resumed = await server.call(ops, "/api/admin/tasks/echo/resume", { method: "POST" });
    expect(await body(resumed)).toMatchObject({ task: "echo", paused: false });
    await settle([waiting!], server.a, "complete");
  });

  it("pausing an unknown task is a 400 that names it", async () => {
    const res = await server.call(ops, "/api/admin/tasks/nonesuch/pause", { method: "POST" });
    expect(res.status).toBe(400);
    expect((await body<{ error: { message: string } }>(res)).error.message).toMatch(/nonesuch/);
  });
});

describe("GET /api/admin/charts", () => {
  it("counts finished jobs per minute over the last hour, the failure rate, and samples queue depth", async () => {
    const worker = startWorker();
    const ok = await enqueue("echo", server.a, 3);
    const bad = await enqueue("boom", server.b, 1);
    await settle(ok, server.a, "complete");
    await settle(bad, server.b, "failed");
    await worker.stop();
    await enqueue("echo", server.a, 2);
    const charts = await body<{
      bucket_ms: number;
      throughput: { completed: number; failed: number; failure_rate: number | null }[];
      depth: { pending: number }[];
      depth_since: string | null;
    }>(await server.call(ops, "/api/admin/charts?window=hour"));
    expect(charts.bucket_ms).toBe(60_000);
    expect(charts.throughput).toHaveLength(60);
    expect(charts.throughput.reduce((n, b) => n + b.completed, 0)).toBe(3);
    expect(charts.throughput.reduce((n, b) => n + b.failed, 0)).toBe(1);
    const rates = charts.throughput.map((b) => b.failure_rate).filter((r) => r !== null);
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.every((r) => r >= 0 && r <= 1)).toBe(true);
    expect(charts.depth.at(-1)?.pending).toBe(2);
    expect(charts.depth_since).not.toBeNull();

    const day = await body<{ throughput: unknown[]; bucket_ms: number }>(
      await server.call(ops, "/api/admin/charts?window=day"),
    );
    expect(day.bucket_ms).toBe(900_000);
    expect(day.throughput).toHaveLength(96);
    expect((await server.call(ops, "/api/admin/charts?window=week")).status).toBe(400);
  });
});
