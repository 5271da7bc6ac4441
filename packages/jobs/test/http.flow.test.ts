import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { readServerSentEvents, type SseMessage } from "../src/client/sse.js";
import type { WireChildEvent, WireFlow } from "../src/client/wire.js";
import { createJobRoutes } from "../src/http/index.js";
import { createQueue, createWorker, defineTask, type Queue, type Worker } from "../src/index.js";
import { createMemoryStore } from "../src/memory/index.js";
import { waitForJob } from "../src/testing/index.js";

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const CHILDREN = 3;
let childGates: ReturnType<typeof gate>[];
let parentGate: ReturnType<typeof gate>;
let queue: Queue;
let worker: Worker | null;
let app: Hono;

const chunk = defineTask({
  name: "chunk",
  input: z.object({ i: z.number() }),
  handler: async (ctx) => {
    ctx.progress(50, `Chunk ${ctx.input.i} halfway`);
    await childGates[ctx.input.i]?.opened;
    return { i: ctx.input.i };
  },
});
const split = defineTask({
  name: "split",
  input: z.object({}),
  handler: async (ctx) => {
    await ctx.step("fan-out", () =>
      ctx.spawn(
        chunk,
        Array.from({ length: CHILDREN }, (_, i) => ({ i })),
      ),
    );
    const outcomes = await ctx.waitForChildren();
    await parentGate.opened;
    return { chunks: outcomes.length };
  },
});

const as = (tenant: string) => ({ headers: { "x-tenant": tenant } });

beforeEach(async () => {
  childGates = Array.from({ length: CHILDREN }, gate);
  parentGate = gate();
  queue = createQueue({ store: createMemoryStore(), tasks: [chunk, split] });
  await queue.init();
  worker = null;
  app = new Hono();
  app.route(
    "/",
    createJobRoutes({ queue, resolveTenant: (c) => c.req.header("x-tenant") ?? "", sseHeartbeatMs: 1000 }),
  );
});

afterEach(async () => {
  for (const g of childGates) g.open();
  parentGate.open();
  await worker?.stop();
  await queue.close();
});

function startWorker() {
  worker = createWorker(queue, { concurrency: 4, pollIntervalMs: 10, shutdownGraceMs: 1000 });
  worker.start();
}

async function flowOf(id: string, tenant = "t1"): Promise<{ status: number; body: WireFlow }> {
  const res = await app.request(`/api/jobs/${id}/flow`, as(tenant));
  return { status: res.status, body: (await res.json()) as WireFlow };
}

describe("GET /api/jobs/:id/flow", () => {
  it("answers the steps, the children with their status, and each child's parent", async () => {
    const { job } = await queue.enqueue(split, {}, { tenantId: "t1" });
    const fresh = await flowOf(job.id);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({
      job_id: job.id,
      steps: [],
      parent_id: null,
      batch_id: null,
      children: { total: 0, ended: 0, group_ids: [], jobs: [] },
    });

    startWorker();
    for (const g of childGates) g.open();
    parentGate.open();
    await waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "complete" });
    const { body } = await flowOf(job.id);
    expect(body.steps.map((s) => [s.name, s.status])).toEqual([["fan-out", "complete"]]);
    expect(body.steps[0]?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(body.children).toMatchObject({ total: CHILDREN, ended: CHILDREN });
    expect(body.children.group_ids).toHaveLength(1);
    expect(body.children.jobs).toHaveLength(CHILDREN);
    for (const child of body.children.jobs)
      expect(child).toMatchObject({ status: "complete", progress: 100 });

    const childFlow = await flowOf(body.children.jobs[0]?.id as string);
    expect(childFlow.body).toMatchObject({ parent_id: job.id, batch_id: null, children: { total: 0 } });
  });

  it("is a 404 in the error shape for another tenant's job and an unknown id", async () => {
    const { job } = await queue.enqueue(split, {}, { tenantId: "t1" });
    for (const [id, tenant] of [
      [job.id, "t2"],
      ["job_nope", "t1"],
    ] as const) {
      const res = await app.request(`/api/jobs/${id}/flow`, as(tenant));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });
});

describe("GET /api/jobs/:id/events with children", () => {
  it("carries each child's changes and the parent's children counts", async () => {
    const { job } = await queue.enqueue(split, {}, { tenantId: "t1" });
    const res = await app.request(`/api/jobs/${job.id}/events`, as("t1"));
    const messages: SseMessage[] = [];
    const waiters: { test: () => boolean; resolve: () => void }[] = [];
    const until = (test: () => boolean) =>
      new Promise<void>((resolve) => {
        if (test()) resolve();
        else waiters.push({ test, resolve });
      });
    const done = readServerSentEvents(res.body!, (m) => {
      messages.push(m);
      for (const w of waiters.filter((x) => x.test())) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    const childEvents = () =>
      messages.filter((m) => m.event === "child").map((m) => JSON.parse(m.data) as WireChildEvent);
    const counts = () => messages.filter((m) => m.event === "children").map((m) => JSON.parse(m.data));

    startWorker();
    // The parent spawned and waits: the stream announces its children and follows them.
    await until(() => counts().some((c) => c.total === CHILDREN));

    for (const [i, g] of childGates.entries()) {
      g.open();
      await until(() => childEvents().filter((e) => e.child.status === "complete").length === i + 1);
    }
    // Every child's end came over the parent's stream, with the counts never going back.
    const ended = childEvents().map((e) => e.children.ended);
    expect(ended).toEqual([...ended].sort((a, b) => a - b));
    expect(childEvents().every((e) => e.children.total === CHILDREN)).toBe(true);
    // All three ends are counted, and no child's state was sent twice.
    await until(() => counts().some((c) => c.ended === CHILDREN));
    const states = childEvents().map(
      (e) => `${e.child.id} ${e.child.status} ${e.child.progress} ${e.child.message}`,
    );
    expect(new Set(states).size).toBe(states.length);

    parentGate.open();
    await done;
    const last = messages.at(-1);
    expect(last?.event).toBe("message");
    expect(JSON.parse(last?.data ?? "{}")).toMatchObject({
      status: "complete",
      result: { chunks: CHILDREN },
    });
    // Older clients read `message` events only; these two never carry a top-level status.
    for (const m of messages.filter((x) => x.event !== "message"))
      expect(JSON.parse(m.data)).not.toHaveProperty("status");
  });
});
