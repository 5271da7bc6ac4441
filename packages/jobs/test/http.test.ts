import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { readServerSentEvents, type SseMessage } from "../src/client/sse.js";
import { createJobRoutes } from "../src/http/index.js";
import {
  createQueue,
  createWorker,
  defineTask,
  type Queue,
  UnrecoverableError,
  type Worker,
} from "../src/index.js";
import { createMemoryStore } from "../src/memory/index.js";
import { waitForJob } from "../src/testing/index.js";

/** A task the test opens and closes by hand, so a job can be held in `running`. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

let queue: Queue;
let worker: Worker | null;
let release: ReturnType<typeof gate>;
let app: Hono;

const held = defineTask({
  name: "held",
  input: z.object({ n: z.number() }),
  handler: async (ctx) => {
    ctx.progress(40, "Halfway there...");
    await release.opened;
    return { n: ctx.input.n };
  },
});
const broken = defineTask({
  name: "broken",
  input: z.object({}),
  handler: () => {
    throw new UnrecoverableError("The file could not be read.");
  },
});

const as = (tenant: string, init: RequestInit = {}) => ({ ...init, headers: { "x-tenant": tenant } });

beforeEach(async () => {
  release = gate();
  queue = createQueue({ store: createMemoryStore(), tasks: [held, broken] });
  await queue.init();
  worker = null;
  app = new Hono();
  app.route(
    "/",
    createJobRoutes({ queue, resolveTenant: (c) => c.req.header("x-tenant") ?? "", sseHeartbeatMs: 30 }),
  );
});

afterEach(async () => {
  release.open();
  await worker?.stop();
  await queue.close();
});

function startWorker() {
  worker = createWorker(queue, { concurrency: 2, pollIntervalMs: 10, shutdownGraceMs: 1000 });
  worker.start();
}

describe("GET /api/jobs/:id", () => {
  it("returns the job in the seed's shape", async () => {
    const { job } = await queue.enqueue(held, { n: 1 }, { tenantId: "t1" });
    const res = await app.request(`/api/jobs/${job.id}`, as("t1"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: job.id,
      type: "held",
      status: "pending",
      progress: 0,
      message: null,
      result: null,
      error: null,
      input: { n: 1 },
    });
  });

  it("is a 404, never a fake pending, for an unknown id and for another tenant's job", async () => {
    const { job } = await queue.enqueue(held, { n: 1 }, { tenantId: "t1" });
    for (const [tenant, id] of [
      ["t1", "job_doesnotexist"],
      ["t2", job.id],
    ] as const) {
      const res = await app.request(`/api/jobs/${id}`, as(tenant));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    }
  });

  it("answers 401 in the error shape when no tenant is resolved by default", async () => {
    const bare = createJobRoutes({ queue });
    const res = await bare.request("/api/jobs/job_x");
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });
});

describe("GET /api/jobs", () => {
  it("lists the tenant's jobs newest first with counts, filters by status and type, and pages by cursor", async () => {
    for (let n = 0; n < 5; n++) await queue.enqueue(held, { n }, { tenantId: "t1" });
    await queue.enqueue(broken, {}, { tenantId: "t1" });
    await queue.enqueue(held, { n: 99 }, { tenantId: "t2" });

    const all = await (await app.request("/api/jobs", as("t1"))).json();
    expect(all.jobs).toHaveLength(6);
    expect(all.counts).toMatchObject({ pending: 6, running: 0, complete: 0, failed: 0, cancelled: 0 });

    const typed = await (await app.request("/api/jobs?type=broken", as("t1"))).json();
    expect(typed.jobs.map((j: { type: string }) => j.type)).toEqual(["broken"]);

    const first = await (await app.request("/api/jobs?type=held&limit=3", as("t1"))).json();
    expect(first.jobs).toHaveLength(3);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await (
      await app.request(
        `/api/jobs?type=held&limit=3&cursor=${encodeURIComponent(first.next_cursor)}`,
        as("t1"),
      )
    ).json();
    expect(second.jobs).toHaveLength(2);
    const paged = [...first.jobs, ...second.jobs] as Array<{ input: { n: number }; created_at: string }>;
    // Every job exactly once across the pages, newest first (jobs created in one millisecond tie-break by id).
    expect(paged.map((j) => j.input.n).sort()).toEqual([0, 1, 2, 3, 4]);
    const times = paged.map((j) => j.created_at);
    expect([...times].sort().reverse()).toEqual(times);

    const none = await (await app.request("/api/jobs?status=failed,cancelled", as("t1"))).json();
    expect(none.jobs).toEqual([]);
  });

  it("rejects an unknown status with a 400 naming the field", async () => {
    const res = await app.request("/api/jobs?status=done", as("t1"));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^status: /);
  });
});

describe("cancel, retry, delete", () => {
  it("cancels a pending job, then refuses to cancel it again with a 409", async () => {
    const { job } = await queue.enqueue(held, { n: 1 }, { tenantId: "t1" });
    const res = await app.request(`/api/jobs/${job.id}/cancel`, as("t1", { method: "POST" }));
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe("cancelled");
    const again = await app.request(`/api/jobs/${job.id}/cancel`, as("t1", { method: "POST" }));
    expect(again.status).toBe(409);
  });

  it("retries a failed job back to pending, and 409s a retry of a pending one", async () => {
    const { job } = await queue.enqueue(broken, {}, { tenantId: "t1" });
    startWorker();
    await waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "failed" });
    await worker?.stop();
    const failed = await (await app.request(`/api/jobs/${job.id}`, as("t1"))).json();
    expect(failed.error).toEqual({ code: expect.any(String), message: "The file could not be read." });
    const res = await app.request(`/api/jobs/${job.id}/retry`, as("t1", { method: "POST" }));
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe("pending");
    expect((await app.request(`/api/jobs/${job.id}/retry`, as("t1", { method: "POST" }))).status).toBe(409);
  });

  it("deletes a finished job (204, then 404) and refuses to delete a running one (409)", async () => {
    const { job } = await queue.enqueue(held, { n: 1 }, { tenantId: "t1" });
    startWorker();
    await waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "running" });
    expect((await app.request(`/api/jobs/${job.id}`, as("t1", { method: "DELETE" }))).status).toBe(409);
    release.open();
    await waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "complete" });
    expect((await app.request(`/api/jobs/${job.id}`, as("t2", { method: "DELETE" }))).status).toBe(404);
    expect((await app.request(`/api/jobs/${job.id}`, as("t1", { method: "DELETE" }))).status).toBe(204);
    expect((await app.request(`/api/jobs/${job.id}`, as("t1"))).status).toBe(404);
  });

  it("gives another tenant a 404 for cancel and retry", async () => {
    const { job } = await queue.enqueue(held, { n: 1 }, { tenantId: "t1" });
    for (const action of ["cancel", "retry"]) {
      expect((await app.request(`/api/jobs/${job.id}/${action}`, as("t2", { method: "POST" }))).status).toBe(
        404,
      );
    }
  });
});

describe("GET /api/jobs/:id/events", () => {
  async function collect(res: Response): Promise<SseMessage[]> {
    const messages: SseMessage[] = [];
    await readServerSentEvents(res.body!, (m) => messages.push(m));
    return messages;
  }

  it("sends a snapshot, every change, and ends on a terminal status", async () => {
    const { job } = await queue.enqueue(held, { n: 7 }, { tenantId: "t1" });
    const res = await app.request(`/api/jobs/${job.id}/events`, as("t1"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const done = collect(res);
    startWorker();
    await waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "running" });
    release.open();
    const messages = await done;
    const jobs = messages.map((m) => JSON.parse(m.data));
    expect(jobs[0]).toMatchObject({ id: job.id, status: "pending", progress: 0 });
    expect(jobs.map((j) => j.status)).toContain("running");
    expect(jobs.at(-1)).toMatchObject({ status: "complete", progress: 100, result: { n: 7 } });
  });

  it("writes a keep-alive comment while nothing changes, and ends when the job is cancelled", async () => {
    const { job } = await queue.enqueue(held, { n: 1 }, { tenantId: "t1" });
    const res = await app.request(`/api/jobs/${job.id}/events`, as("t1"));
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(": keep-alive")) text += decoder.decode((await reader.read()).value);
    await queue.cancel("t1", job.id);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).toContain('"status":"cancelled"');
  });

  it("is a plain 404 for another tenant's job", async () => {
    const { job } = await queue.enqueue(held, { n: 1 }, { tenantId: "t1" });
    const res = await app.request(`/api/jobs/${job.id}/events`, as("t2"));
    expect(res.status).toBe(404);
  });
});
