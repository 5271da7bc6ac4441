import { defineTask } from "@ledgerflow/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { addTransactions, createTestServer, csvForm, type TestServer } from "./support/server.js";

/**
 * Every route that takes an id, called with tenant B's token on tenant A's ids: each must answer
 * 404 exactly as for an id that does not exist, and change nothing.
 */
let server: TestServer;
const ids = { job: "", transaction: "", rule: "", company: "", account: "" };

const noop = defineTask({
  name: "categorize_transactions",
  input: z.object({ company_id: z.string() }).loose(),
  handler: () => ({}),
});

beforeAll(async () => {
  server = await createTestServer({ tasks: [noop] });
  const { a } = server;
  ids.company = a.companyId;
  [ids.transaction = ""] = await addTransactions(server, a, 1);
  const { accounts } = await (await server.call(a, `/api/companies/${a.companyId}/accounts`)).json();
  ids.account = accounts[0].id;
  const rule = await server.call(a, `/api/companies/${a.companyId}/rules`, {
    method: "POST",
    json: {
      name: "r",
      conditions: [{ field: "description", op: "contains", value: "X" }],
      account_id: ids.account,
    },
  });
  ids.rule = (await rule.json()).id;
  const job = await server.call(a, "/api/jobs/categorize", {
    method: "POST",
    json: { company_id: a.companyId },
  });
  ids.job = (await job.json()).job_id;
});
afterAll(() => server.close());

type Case = [name: string, method: string, path: () => string, body?: () => unknown];
const cases: Case[] = [
  ["GET /api/jobs/:job_id", "GET", () => `/api/jobs/${ids.job}`],
  ["GET /api/jobs/:job_id/events", "GET", () => `/api/jobs/${ids.job}/events`],
  ["POST /api/jobs/:job_id/cancel", "POST", () => `/api/jobs/${ids.job}/cancel`],
  ["POST /api/jobs/:job_id/retry", "POST", () => `/api/jobs/${ids.job}/retry`],
  ["DELETE /api/jobs/:job_id", "DELETE", () => `/api/jobs/${ids.job}`],
  ["POST /api/jobs/categorize", "POST", () => "/api/jobs/categorize", () => ({ company_id: ids.company })],
  [
    "POST /api/jobs/upload-and-categorize",
    "POST",
    () => "/api/jobs/upload-and-categorize",
    () => csvForm(ids.company, "Date,Description,Amount\n2026-01-01,X,-1\n"),
  ],
  ["GET /api/companies/:company_id", "GET", () => `/api/companies/${ids.company}`],
  ["GET /api/companies/:company_id/accounts", "GET", () => `/api/companies/${ids.company}/accounts`],
  ["GET /api/companies/:company_id/rules", "GET", () => `/api/companies/${ids.company}/rules`],
  [
    "POST /api/companies/:company_id/rules",
    "POST",
    () => `/api/companies/${ids.company}/rules`,
    () => ({
      name: "x",
      conditions: [{ field: "description", op: "contains", value: "X" }],
      account_id: ids.account,
    }),
  ],
  [
    "PUT /api/companies/:company_id/rules/order",
    "PUT",
    () => `/api/companies/${ids.company}/rules/order`,
    () => ({ rule_ids: [ids.rule] }),
  ],
  [
    "GET /api/companies/:company_id/trial-balance",
    "GET",
    () => `/api/companies/${ids.company}/trial-balance`,
  ],
  [
    "GET /api/companies/:company_id/journal/export?format=csv",
    "GET",
    () => `/api/companies/${ids.company}/journal/export?format=csv`,
  ],
  [
    "GET /api/journal-entries?company_id=:company_id",
    "GET",
    () => `/api/journal-entries?company_id=${ids.company}`,
  ],
  ["GET /api/transactions/:transaction_id", "GET", () => `/api/transactions/${ids.transaction}`],
  [
    "PATCH /api/transactions/:transaction_id",
    "PATCH",
    () => `/api/transactions/${ids.transaction}`,
    () => ({ account_id: ids.account }),
  ],
  ["GET /api/rules/:rule_id", "GET", () => `/api/rules/${ids.rule}`],
  ["PATCH /api/rules/:rule_id", "PATCH", () => `/api/rules/${ids.rule}`, () => ({ name: "stolen" })],
  ["DELETE /api/rules/:rule_id", "DELETE", () => `/api/rules/${ids.rule}`],
];

describe("another tenant's ids are 404 on every route that takes one", () => {
  it.each(cases)("%s", async (_name, method, path, body) => {
    const payload = body?.();
    const init =
      payload instanceof FormData
        ? { method, body: payload }
        : { method, ...(payload ? { json: payload } : {}) };
    const res = await server.call(server.b, path(), init);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });

  it("left tenant A's data untouched", async () => {
    const job = await (await server.call(server.a, `/api/jobs/${ids.job}`)).json();
    expect(job.status).toBe("pending");
    expect((await (await server.call(server.a, `/api/rules/${ids.rule}`)).json()).name).toBe("r");
    expect((await (await server.call(server.a, `/api/transactions/${ids.transaction}`)).json()).status).toBe(
      "uncategorized",
    );
  });

  it("does not list another tenant's rows", async () => {
    expect((await (await server.call(server.b, "/api/transactions")).json()).transactions).toEqual([]);
    expect((await (await server.call(server.b, "/api/jobs")).json()).jobs).toEqual([]);
    const { companies } = await (await server.call(server.b, "/api/companies")).json();
    expect(companies.map((c: { id: string }) => c.id)).toEqual([server.b.companyId]);
  });
});
