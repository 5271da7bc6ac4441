import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiClient, ApiRequestError, createApiClient } from "../src/client.js";
import { createTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
let client: ApiClient;
beforeEach(async () => {
  server = await createTestServer();
  client = createApiClient({
    token: () => server.a.token,
    fetch: (input, init) => Promise.resolve(server.app.request(String(input), init)),
  });
});
afterEach(() => server.close());

describe("the typed client (@ledgerflow/server/client)", () => {
  it("reads and writes through the API with the bearer token", async () => {
    const { companies } = await client.companies.list();
    expect(companies.map((c) => c.id)).toEqual([server.a.companyId]);
    const { accounts } = await client.companies.accounts(server.a.companyId);
    const rule = await client.rules.create(server.a.companyId, {
      name: "coffee",
      conditions: [{ field: "description", op: "contains", value: "COFFEE" }],
      account_id: accounts[0]?.id ?? "",
    });
    expect((await client.rules.list(server.a.companyId)).rules.map((r) => r.id)).toEqual([rule.id]);
  });

  it("creates a job, reads it, and uploads a file", async () => {
    const accepted = await client.jobs.categorize({ company_id: server.a.companyId }, "key-1");
    expect(accepted.status).toBe("pending");
    expect((await client.jobs.get(accepted.job_id)).type).toBe("categorize_transactions");
    const upload = await client.jobs.uploadAndCategorize(
      server.a.companyId,
      new Blob(["Date,Description,Amount\n2026-01-02,TEA,-2.00\n"], { type: "text/csv" }),
    );
    expect(upload.import_id).toEqual(expect.any(String));
    const { jobs, counts } = await client.jobs.list({ status: "pending" });
    expect(jobs).toHaveLength(2);
    expect(counts.pending).toBe(2);
  });

  it("throws ApiRequestError with the server's status, code and message", async () => {
    const error = await client.jobs.get("job_missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      status: 404,
      code: "not_found",
      message: expect.stringContaining("job_missing"),
    });
  });
});
