import { readFileSync } from "node:fs";
import { waitForJob } from "@ledgerflow/jobs/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JobAcceptedSchema, WireJobSchema } from "../src/client.js";
import { addTransactions, createTestServer, csvForm, type TestServer } from "./support/server.js";

const SMALL_CSV = readFileSync(new URL("./fixtures/small-bank.csv", import.meta.url), "utf8");

let server: TestServer;
afterEach(() => server.close());

describe("POST /api/jobs/categorize", () => {
  beforeEach(async () => {
    server = await createTestServer();
  });

  it("answers 202 {job_id, status: pending} with a Location header at once", async () => {
    const res = await server.call(server.a, "/api/jobs/categorize", {
      method: "POST",
      json: { company_id: server.a.companyId, limit: 100 },
    });
    expect(res.status).toBe(202);
    const body = JobAcceptedSchema.parse(await res.json());
    expect(body).toEqual({ job_id: expect.stringMatching(/^job_/), status: "pending" });
    expect(res.headers.get("location")).toBe(`/api/jobs/${body.job_id}`);
    const job = WireJobSchema.parse(await (await server.call(server.a, `/api/jobs/${body.job_id}`)).json());
    expect(job).toMatchObject({ status: "pending", progress: 0, type: "categorize_transactions" });
  });

  it("returns the same job to a second Categorize for the company while the first is pending", async () => {
    const post = () =>
      server.call(server.a, "/api/jobs/categorize", {
        method: "POST",
        json: { company_id: server.a.companyId },
      });
    const first = await (await post()).json();
    const second = await (await post()).json();
    expect(second.job_id).toBe(first.job_id);
  });

  it("returns the same job for a repeated Idempotency-Key, even after the first finished", async () => {
    const post = () =>
      server.call(server.a, "/api/jobs/categorize", {
        method: "POST",
        json: { company_id: server.a.companyId },
        headers: { "Idempotency-Key": "click-42" },
      });
    const first = await (await post()).json();
    server.startWorker();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: first.job_id, status: "complete" });
    const again = await post();
    expect(again.status).toBe(202);
    expect((await again.json()).job_id).toBe(first.job_id);
  });

  it("categorizes to complete with the seed's result fields", async () => {
    await addTransactions(server, server.a, 3);
    const { job_id } = await (
      await server.call(server.a, "/api/jobs/categorize", {
        method: "POST",
        json: { company_id: server.a.companyId },
      })
    ).json();
    server.startWorker();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: job_id, status: "complete" });
    const job = await (await server.call(server.a, `/api/jobs/${job_id}`)).json();
    expect(job).toMatchObject({ status: "complete", progress: 100 });
    expect(job.result).toMatchObject({
      journal_entries_created: expect.any(Number),
      high_confidence: expect.any(Number),
      needs_review: expect.any(Number),
      llm: "disabled",
    });
  });

  it.each([
    [{}, /^company_id: /],
    [{ company_id: "co_x", limit: 0 }, /^limit: /],
    [{ company_id: "co_x", limit: "ten" }, /^limit: /],
  ])("answers 400 naming the field for %j", async (json, message) => {
    const res = await server.call(server.a, "/api/jobs/categorize", { method: "POST", json });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(message);
  });

  it("answers 404 for an unknown company", async () => {
    const res = await server.call(server.a, "/api/jobs/categorize", {
      method: "POST",
      json: { company_id: "co_nope" },
    });
    expect(res.status).toBe(404);
  });
});

describe("POST /api/jobs/upload-and-categorize", () => {
  beforeEach(async () => {
    server = await createTestServer({ uploadMaxBytes: 4096 });
  });

  const upload = (form: FormData, headers: Record<string, string> = {}) =>
    server.call(server.a, "/api/jobs/upload-and-categorize", { method: "POST", body: form, headers });

  it("stores the file, enqueues, and the job completes with counts (the duplicate row is kept)", async () => {
    const res = await upload(csvForm(server.a.companyId, SMALL_CSV));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({
      job_id: expect.stringMatching(/^job_/),
      status: "pending",
      import_id: expect.any(String),
    });
    expect(res.headers.get("location")).toBe(`/api/jobs/${body.job_id}`);
    server.startWorker();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: body.job_id, status: "complete" });
    const job = await (await server.call(server.a, `/api/jobs/${body.job_id}`)).json();
    expect(job.result).toMatchObject({ parsed: 8, inserted: 8, duplicates: 0, invalid: 0 });
    const listed = await (
      await server.call(server.a, `/api/transactions?import_id=${body.import_id}`)
    ).json();
    expect(listed.transactions).toHaveLength(8);

    // The same file again: every row is a duplicate of the first import.
    const again = await (await upload(csvForm(server.a.companyId, SMALL_CSV))).json();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: again.job_id, status: "complete" });
    const second = await (await server.call(server.a, `/api/jobs/${again.job_id}`)).json();
    expect(second.result).toMatchObject({ parsed: 8, inserted: 0, duplicates: 8 });
  });

  it("answers 413 for a file over the limit, before enqueueing anything", async () => {
    const big = `Date,Description,Amount\n${"2026-01-01,X,-1.00\n".repeat(400)}`;
    const res = await upload(csvForm(server.a.companyId, big));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({
      code: "payload_too_large",
      message: expect.stringContaining("4096 bytes"),
    });
    expect((await (await server.call(server.a, "/api/jobs")).json()).jobs).toEqual([]);
  });

  it.each([
    ["an empty file", ""],
    ["a PDF", "%PDF-1.7 binary"],
    ["prose", "Dear customer,\nyour statement is attached.\n"],
  ])("answers 400 saying what was found for %s", async (_name, content) => {
    const res = await upload(csvForm(server.a.companyId, content, "statement.csv"));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("invalid_csv");
    expect(error.message).toMatch(/statement\.csv/);
    expect((await (await server.call(server.a, "/api/jobs")).json()).jobs).toEqual([]);
  });

  it("answers 400 naming the missing field", async () => {
    const noFile = new FormData();
    noFile.set("company_id", server.a.companyId);
    const res = await upload(noFile);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^file: /);

    const noCompany = new FormData();
    noCompany.set("file", new File([SMALL_CSV], "s.csv"));
    const res2 = await upload(noCompany);
    expect(res2.status).toBe(400);
    expect((await res2.json()).error.message).toMatch(/company_id/);
  });

  it("replays the answer for a repeated Idempotency-Key without storing the file twice", async () => {
    const first = await upload(csvForm(server.a.companyId, SMALL_CSV), { "Idempotency-Key": "upload-1" });
    const second = await upload(csvForm(server.a.companyId, SMALL_CSV), { "Idempotency-Key": "upload-1" });
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect((await second.json()).job_id).toBe((await first.json()).job_id);
    const imports = await server.db.selectFrom("imports").select("id").execute();
    expect(imports).toHaveLength(1);
  });
});
