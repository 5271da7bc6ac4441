import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeEach(async () => {
  server = await createTestServer({ tasks: [] });
});
afterEach(() => server.close());

describe("bearer authentication", () => {
  it.each([
    ["no Authorization header", undefined],
    ["an unknown token", "Bearer lf_thisTokenDoesNotExist0000"],
    ["a token without the Bearer scheme", "lf_thisTokenDoesNotExist0000"],
    ["a Basic credential", "Basic dXNlcjpwYXNz"],
    ["an empty bearer", "Bearer "],
  ])("answers 401 in the error shape for %s", async (_name, header) => {
    const res = await server.app.request(
      "/api/companies",
      header ? { headers: { Authorization: header } } : {},
    );
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("protects every /api route, including the job API", async () => {
    for (const [method, path] of [
      ["GET", "/api/jobs"],
      ["GET", "/api/jobs/job_x"],
      ["POST", "/api/jobs/categorize"],
      ["POST", "/api/jobs/upload-and-categorize"],
      ["GET", "/api/transactions"],
      ["GET", "/api/journal-entries?company_id=x"],
    ] as const) {
      expect((await server.app.request(path, { method })).status, `${method} ${path}`).toBe(401);
    }
  });

  it("takes the tenant from the token only", async () => {
    const res = await server.call(server.a, "/api/companies");
    expect(res.status).toBe(200);
    const { companies } = await res.json();
    expect(companies.map((c: { id: string }) => c.id)).toEqual([server.a.companyId]);
  });

  it("leaves health, metrics and docs open", async () => {
    for (const path of ["/healthz", "/metrics", "/docs", "/openapi.json"]) {
      expect((await server.app.request(path)).status, path).toBe(200);
    }
  });
});
