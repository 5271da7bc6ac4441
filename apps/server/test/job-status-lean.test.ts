import { defineTask } from "@ledgerflow/jobs";
import { waitForJob } from "@ledgerflow/jobs/testing";
import { Hono } from "hono";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAppMetrics } from "../src/metrics/app-metrics.js";
import { type CachedAuthenticate, cachedAuthenticate } from "../src/middleware/auth.js";
import { leanJobStatus } from "../src/routes/job-status.js";
import { createTestServer, type TestServer } from "./support/server.js";

let release: () => void = () => undefined;
const held = defineTask({
  name: "held",
  input: z.object({ n: z.number() }),
  retries: 0,
  handler: async (ctx) => {
    ctx.progress(40, "Halfway there...");
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { n: ctx.input.n, note: "ünïcode ✓" };
  },
});
const boom = defineTask({
  name: "boom",
  input: z.object({ n: z.number() }),
  retries: 0,
  handler: () => {
    throw new Error("card declined");
  },
});

let server: TestServer;
beforeEach(async () => {
  server = await createTestServer({ tasks: [held, boom], cachedAuth: true });
});
afterEach(() => server.close());

/** The lean handler alone, in front of a fallback that marks every request it passes on. */
function leanOnly(authenticate: CachedAuthenticate): Hono {
  const app = new Hono();
  app.get(
    "/api/jobs/:id",
    leanJobStatus({
      queue: server.queue,
      authenticate,
      metrics: createAppMetrics({ countJobs: async () => ({}) as never }),
      logger: pino({ level: "silent" }),
    }),
  );
  app.get("/api/jobs/:id", (c) => c.text("passed on", 599 as never));
  return app;
}

async function answer(res: Response) {
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    requestId: res.headers.get("x-request-id") !== null,
    body: await res.text(),
  };
}

describe("GET /api/jobs/:id, the lean path", () => {
  it("answers byte for byte what the normal route answers, in every state a job passes through", async () => {
    // The lean handler alone, with its own cache in which the token is verified once, against the
    // app's full middleware chain and OpenAPI route, reached with the scheme spelled in lower case
    // (which the lean path leaves to bearerAuth).
    const authenticate = cachedAuthenticate(async (token) =>
      token === server.a.token ? { tenantId: server.a.tenantId, tokenId: "tok_test" } : null,
    );
    await authenticate(server.a.token);
    const lean = leanOnly(authenticate);
    const compare = async (jobId: string) => {
      const viaLean = await answer(
        await lean.request(`/api/jobs/${jobId}`, { headers: { Authorization: `Bearer ${server.a.token}` } }),
      );
      expect(viaLean.status, "the lean path answered").toBe(200);
      const viaNormal = await answer(
        await server.app.request(`/api/jobs/${jobId}`, {
          headers: { Authorization: `bearer ${server.a.token}` },
        }),
      );
      expect(viaLean).toEqual(viaNormal);
      return JSON.parse(viaLean.body) as { status: string };
    };
    const { job } = await server.queue.enqueue(held, { n: 1 }, { tenantId: server.a.tenantId });
    expect(await compare(job.id)).toMatchObject({ status: "pending" });
    server.startWorker();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: job.id, status: "running" });
    await expect.poll(async () => (await server.queue.get(server.a.tenantId, job.id)).progress).toBe(40);
    expect(await compare(job.id)).toMatchObject({ status: "running", progress: 40 });
    release();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: job.id, status: "complete" });
    expect(await compare(job.id)).toMatchObject({ status: "complete", result: { n: 1 } });
    const { job: failing } = await server.queue.enqueue(boom, { n: 2 }, { tenantId: server.a.tenantId });
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: failing.id, status: "failed" });
    expect(await compare(failing.id)).toMatchObject({
      status: "failed",
      error: { code: expect.any(String) },
    });
  });

  it("shows each new version of a job at once (the encoded body is per version, not per job)", async () => {
    const { job } = await server.queue.enqueue(held, { n: 3 }, { tenantId: server.a.tenantId });
    const poll = async () => (await (await server.call(server.a, `/api/jobs/${job.id}`)).json()) as never;
    expect(await poll()).toMatchObject({ status: "pending", progress: 0 });
    expect(await poll()).toMatchObject({ status: "pending", progress: 0 });
    server.startWorker();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: job.id, status: "running" });
    await expect.poll(poll).toMatchObject({ status: "running", progress: 40, message: "Halfway there..." });
    await server.call(server.a, `/api/jobs/${job.id}/cancel`, { method: "POST" });
    expect(await poll()).toMatchObject({ status: "cancelled" });
  });

  it("passes on what it does not answer: uncached tokens, other spellings, long ids, unknown and foreign jobs", async () => {
    const authenticate = cachedAuthenticate(async (token) =>
      token === server.a.token ? { tenantId: server.a.tenantId, tokenId: "tok_a" } : null,
    );
    const lean = leanOnly(authenticate);
    const { job } = await server.queue.enqueue(held, { n: 4 }, { tenantId: server.a.tenantId });
    const status = async (path: string, header?: string) =>
      (await lean.request(path, header ? { headers: { Authorization: header } } : {})).status;
    expect(await status(`/api/jobs/${job.id}`, `Bearer ${server.a.token}`), "not cached yet").toBe(599);
    await authenticate(server.a.token);
    expect(await status(`/api/jobs/${job.id}`, `Bearer ${server.a.token}`)).toBe(200);
    expect(await status(`/api/jobs/${job.id}`, `bearer ${server.a.token}`)).toBe(599);
    expect(await status(`/api/jobs/${job.id}`)).toBe(599);
    expect(await status(`/api/jobs/${"j".repeat(201)}`, `Bearer ${server.a.token}`)).toBe(599);
    expect(await status("/api/jobs/job_unknown", `Bearer ${server.a.token}`)).toBe(599);
    const { job: foreign } = await server.queue.enqueue(held, { n: 5 }, { tenantId: server.b.tenantId });
    expect(await status(`/api/jobs/${foreign.id}`, `Bearer ${server.a.token}`)).toBe(599);
  });

  it("keeps the error shape of the normal path: 401 without a token, 404 for another tenant's job", async () => {
    const { job } = await server.queue.enqueue(held, { n: 6 }, { tenantId: server.a.tenantId });
    expect((await server.call(server.b, "/api/companies")).status).toBe(200); // b's token is cached now
    const foreign = await server.call(server.b, `/api/jobs/${job.id}`);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    const unsigned = await server.call(null, `/api/jobs/${job.id}`);
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("counts each lean answer in the request metrics under the route's pattern", async () => {
    const { job } = await server.queue.enqueue(held, { n: 7 }, { tenantId: server.a.tenantId });
    for (let i = 0; i < 3; i++) expect((await server.call(server.a, `/api/jobs/${job.id}`)).status).toBe(200);
    const metrics = await (await server.app.request("/metrics")).text();
    expect(metrics).toMatch(
      /ledgerflow_http_request_duration_seconds_count\{method="GET",route="\/api\/jobs\/:id",status="200"\} 3\b/,
    );
  });
});

describe("revoking a token", () => {
  it("is a 401 on the very next request, the lean status path included", async () => {
    const { job } = await server.queue.enqueue(held, { n: 8 }, { tenantId: server.a.tenantId });
    for (let i = 0; i < 2; i++) expect((await server.call(server.a, `/api/jobs/${job.id}`)).status).toBe(200);
    expect((await server.call(server.a, "/api/me/token", { method: "DELETE" })).status).toBe(204);
    const after = await server.call(server.a, `/api/jobs/${job.id}`);
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    expect((await server.call(server.a, "/api/companies")).status).toBe(401);
    // The other tenant's token is untouched.
    expect((await server.call(server.b, "/api/companies")).status).toBe(200);
  });
});

describe("cachedAuthenticate", () => {
  const principal = { tenantId: "ten_a", tokenId: "tok_a" };

  it("peeks only at tokens verified within the TTL", async () => {
    let now = 0;
    let calls = 0;
    const auth = cachedAuthenticate(
      async () => {
        calls++;
        return principal;
      },
      () => now,
      1000,
    );
    expect(auth.peek("lf_token_0000000000")).toBeUndefined();
    expect(await auth("lf_token_0000000000")).toEqual(principal);
    expect(auth.peek("lf_token_0000000000")).toEqual(principal);
    expect(await auth("lf_token_0000000000")).toEqual(principal);
    expect(calls).toBe(1);
    now = 1000;
    expect(auth.peek("lf_token_0000000000")).toBeUndefined();
    expect(await auth("lf_token_0000000000")).toEqual(principal);
    expect(calls).toBe(2);
  });

  it("forgets a revoked credential at once, and a verification in flight does not bring it back", async () => {
    let finish: (p: typeof principal | null) => void = () => undefined;
    const auth = cachedAuthenticate(
      () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
    );
    const first = auth("lf_token_1111111111");
    finish(principal);
    await first;
    expect(auth.peek("lf_token_1111111111")).toEqual(principal);
    auth.revoke("tok_a");
    expect(auth.peek("lf_token_1111111111")).toBeUndefined();
    const inFlight = auth("lf_token_1111111111");
    auth.revoke("tok_a");
    finish(principal);
    await inFlight;
    expect(auth.peek("lf_token_1111111111"), "verified before the revocation").toBeUndefined();
  });
});
