import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
afterEach(() => server.close());

describe("errors", () => {
  beforeEach(async () => {
    server = await createTestServer({ tasks: [] });
  });

  it("answers an unknown route with a 404 in the error shape", async () => {
    const res = await server.call(server.a, "/api/nothing-here");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "not_found", message: expect.stringContaining("/api/nothing-here") },
    });
  });

  it("answers a body that fails its schema with a 400 naming the field", async () => {
    const res = await server.call(server.a, "/api/companies", { method: "POST", json: { name: 42 } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/^name: /);
  });

  it("answers malformed JSON with a 400", async () => {
    const res = await server.call(server.a, "/api/companies", {
      method: "POST",
      body: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("invalid_request");
  });

  it("echoes a sane X-Request-Id and makes one up otherwise", async () => {
    const given = await server.call(server.a, "/api/companies", { headers: { "X-Request-Id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await server.call(server.a, "/api/companies", {
      headers: { "X-Request-Id": "bad id with spaces" },
    });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("rate limit on writes", () => {
  beforeEach(async () => {
    server = await createTestServer({ tasks: [], rateLimit: { burst: 2, perSecond: 0.5 } });
  });

  it("answers 429 with Retry-After once a token's bucket is empty, per token, and leaves reads alone", async () => {
    const create = (tenant: typeof server.a) =>
      server.call(tenant, "/api/companies", { method: "POST", json: { name: "Spare Co" } });
    expect((await create(server.a)).status).toBe(201);
    expect((await create(server.a)).status).toBe(201);
    const limited = await create(server.a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await limited.json()).error.code).toBe("rate_limited");
    expect((await create(server.b)).status).toBe(201);
    expect((await server.call(server.a, "/api/companies")).status).toBe(200);
  });
});

describe("health, metrics, docs", () => {
  beforeEach(async () => {
    server = await createTestServer({ tasks: [] });
  });

  it("reports health with the store's name", async () => {
    const res = await server.app.request("/healthz");
    expect(await res.json()).toMatchObject({ status: "ok", database: true, jobs_store: "memory" });
  });

  it("exposes Prometheus text with jobs by status, queue depth and an HTTP latency histogram", async () => {
    await server.call(server.a, "/api/companies");
    const res = await server.app.request("/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain("# TYPE ledgerflow_jobs gauge");
    expect(text).toContain('ledgerflow_jobs{status="pending"} 0');
    expect(text).toContain("# TYPE ledgerflow_http_request_duration_seconds histogram");
    expect(text).toMatch(
      /ledgerflow_http_request_duration_seconds_bucket\{method="GET",route="\/api\/companies",status="200",le="\+Inf"\} 1/,
    );
    expect(text).toContain("# TYPE ledgerflow_job_duration_seconds histogram");
  });

  it("serves the OpenAPI document with every route and a docs page", async () => {
    const spec = await (await server.app.request("/openapi.json")).json();
    const paths = Object.keys(spec.paths);
    for (const path of [
      "/api/jobs/categorize",
      "/api/jobs/upload-and-categorize",
      "/api/jobs/{id}",
      "/api/jobs",
      "/api/jobs/{id}/events",
      "/api/jobs/{id}/cancel",
      "/api/jobs/{id}/retry",
      "/api/companies",
      "/api/companies/{id}/accounts",
      "/api/transactions",
      "/api/transactions/{id}",
      "/api/companies/{id}/rules",
      "/api/companies/{id}/rules/order",
      "/api/rules/{id}",
      "/api/journal-entries",
      "/api/companies/{id}/trial-balance",
      "/api/companies/{id}/journal/export",
    ]) {
      expect(paths, path).toContain(path);
    }
    const docs = await (await server.app.request("/docs")).text();
    expect(docs).toContain("/openapi.json");
  });

  it("serves a plain home page linking the docs when the web app is not built", async () => {
    const html = await (await server.app.request("/")).text();
    expect(html).toContain('href="/docs"');
  });
});
