import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestServer, type TestServer } from "../support/server.js";
import {
  listOperations,
  type Operation,
  type OwnedIds,
  registeredApiRoutes,
  requestFor,
  tableCounts,
} from "./support/routes.js";
import { seedTenant } from "./support/tenant-data.js";

/**
 * The security table over every route the app documents in /openapi.json: credentials, then
 * ownership. Rows are generated, so a new route is covered (or fails) without editing this file.
 */
let server: TestServer;
let ops: Operation[];
let ids: OwnedIds;
let before: Record<string, number>;

beforeAll(async () => {
  server = await createTestServer();
  ids = await seedTenant(server, server.a);
  ops = (await listOperations(server)).filter((op) => op.path.startsWith("/api/"));
  before = await tableCounts(server);
});
afterAll(() => server.close());

const label = (op: Operation) => `${op.method} ${op.path}`;

describe("every /api route is documented, so the table below covers it", () => {
  it("lists each registered route in /openapi.json", async () => {
    const documented = new Set((await listOperations(server)).map(label));
    expect(registeredApiRoutes(server).filter((r) => !documented.has(r))).toEqual([]);
    expect(documented.size).toBeGreaterThanOrEqual(20);
  });
});

describe("credentials", () => {
  const badCredentials: [string, string | undefined][] = [
    ["no token", undefined],
    ["a wrong token", "Bearer lf_wrongwrongwrongwrongwrong"],
    ["a token with one character changed", "CHANGED"],
    ["a SQL injection as token", "Bearer ' OR '1'='1"],
  ];
  it.each(badCredentials)("%s gets 401 in the error shape on every route", async (_name, header) => {
    const failures: string[] = [];
    for (const op of ops) {
      const built = requestFor(op, ids);
      const path = built === "no-id" ? op.path.replace("{id}", "x") : built.path;
      const auth =
        header === "CHANGED"
          ? `Bearer ${server.a.token.slice(0, -1)}${server.a.token.endsWith("A") ? "B" : "A"}`
          : header;
      const res = await server.app.request(path, {
        method: op.method,
        ...(auth ? { headers: { Authorization: auth } } : {}),
      });
      const body = await res.json().catch(() => null);
      if (res.status !== 401 || body?.error?.code !== "unauthorized")
        failures.push(`${label(op)} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});

describe("another tenant's ids are 404 on every route that takes one", () => {
  it("answers 404 (or an empty list for a filter) with tenant B's token on each of A's ids", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const op of ops) {
      const built = requestFor(op, ids);
      if (built === "no-id") continue;
      checked++;
      const res = await server.call(server.b, built.path, built.init);
      const body = await res.json().catch(() => null);
      const emptyList =
        res.status === 200 &&
        op.method === "GET" &&
        Array.isArray(body?.transactions) &&
        body.transactions.length === 0;
      if (!(res.status === 404 && body?.error?.code === "not_found") && !emptyList)
        failures.push(`${label(op)} → ${res.status} ${JSON.stringify(body).slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(18);
  });

  it("left every table as it was and A's job, rule and transaction unchanged", async () => {
    expect(await tableCounts(server)).toEqual(before);
    expect((await (await server.call(server.a, `/api/jobs/${ids.job}`)).json()).status).toBe("pending");
    expect((await (await server.call(server.a, `/api/rules/${ids.rule}`)).json()).name).toBe("coffee");
    const txn = await (await server.call(server.a, `/api/transactions/${ids.transaction}`)).json();
    expect(txn.source).toBe("manual");
  });

  it("shows B none of A's rows in any list", async () => {
    const lists = await Promise.all(
      ["/api/jobs", "/api/transactions", "/api/companies"].map(async (p) =>
        JSON.stringify(await (await server.call(server.b, p)).json()),
      ),
    );
    for (const text of lists) for (const id of Object.values(ids)) expect(text).not.toContain(id);
  });
});

describe("job ids are unguessable", () => {
  const JOB_ID = /^job_[A-Za-z0-9_-]{22,}$/;

  it("are job_ + at least 128 random bits, with no sequence between consecutive ids", async () => {
    const created: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { job } = await server.queue.enqueue(
        "upload_and_categorize",
        { import_id: `imp_${i}` },
        { tenantId: server.a.tenantId },
      );
      created.push(job.id);
    }
    created.push(ids.job);
    for (const id of created) expect(id).toMatch(JOB_ID);
    expect(new Set(created).size).toBe(created.length);
    let ones = 0;
    let bits = 0;
    for (let i = 0; i < created.length; i++) {
      const bytes = Buffer.from((created[i] ?? "").slice(4), "base64url");
      expect(bytes.length).toBeGreaterThanOrEqual(16);
      for (const byte of bytes) for (let b = 0; b < 8; b++) ones += (byte >> b) & 1;
      bits += bytes.length * 8;
      // consecutive ids share no telling prefix (a counter or a timestamp would)
      const prev = created[i - 1];
      if (prev) expect(commonPrefix(prev, created[i] ?? "")).toBeLessThan(4 + 4);
    }
    // ~2,700 bits: a fair source lands within 45–55 % ones with overwhelming probability
    expect(ones / bits).toBeGreaterThan(0.45);
    expect(ones / bits).toBeLessThan(0.55);
  });

  it("answers a guessed id exactly like another tenant's: 404", async () => {
    for (const guess of ["job_1", "job_0000000000000000000000", "job_AAAAAAAAAAAAAAAAAAAAAA"]) {
      const res = await server.call(server.a, `/api/jobs/${guess}`);
      expect(res.status).toBe(404);
    }
  });
});

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}
