import { createApiToken, createCompany } from "@ledgerflow/books";
import { type Clock, createQueue, fireDueSchedules } from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScheduleListSchema, ScheduleSchema } from "../src/client.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { loadBookTasks } from "../src/domain/book-tasks.js";
import { nightlyScheduleName, reconcileNightlySchedules } from "../src/domain/nightly.js";
import { createTestServer, type TestServer, type TestTenant } from "./support/server.js";

const NIGHTLY = { cron: "0 3 * * *", timezone: "UTC" };

let server: TestServer;
beforeEach(async () => {
  server = await createTestServer();
});
afterEach(() => server.close());

async function newCompany(tenant: TestTenant, body: Record<string, unknown>) {
  const res = await server.call(tenant, "/api/companies", { method: "POST", json: body });
  return { res, body: (await res.json()) as { id: string; error?: { code: string; message: string } } };
}

async function schedulesOf(tenant: TestTenant) {
  const res = await server.call(tenant, "/api/schedules");
  expect(res.status).toBe(200);
  return ScheduleListSchema.parse(await res.json()).schedules;
}

/** The wall-clock hour and minute of an ISO time in a time zone, e.g. "03:00". */
const clockIn = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(iso),
  );

describe("a company's nightly schedule", () => {
  it("is created with the company, at 03:00 in the time zone given, and listed with its next fire time", async () => {
    const { res, body } = await newCompany(server.a, { name: "Boulangerie", timezone: "Europe/Paris" });
    expect(res.status).toBe(201);
    const [schedule] = await schedulesOf(server.a);
    expect(schedule).toMatchObject({
      name: `nightly:company-${body.id}`,
      task: "categorize_transactions",
      cron: "0 3 * * *",
      timezone: "Europe/Paris",
      input: { company_id: body.id, limit: 50_000 },
      paused: false,
      last_fire_at: null,
    });
    expect(clockIn(schedule!.next_fire_at!, "Europe/Paris")).toBe("03:00");
    const next = Date.parse(schedule!.next_fire_at!);
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
  });

  it("defaults to NIGHTLY_TIMEZONE (UTC) when the company names none", async () => {
    await newCompany(server.a, { name: "Plain Ltd" });
    const [schedule] = await schedulesOf(server.a);
    expect(schedule?.timezone).toBe("UTC");
    expect(clockIn(schedule!.next_fire_at!, "UTC")).toBe("03:00");
  });

  it("refuses an unknown time zone, naming the field and creating no company", async () => {
    const { res, body } = await newCompany(server.a, { name: "Nowhere", timezone: "Mars/Olympus" });
    expect(res.status).toBe(400);
    expect(body.error?.message).toMatch(/^timezone: must be an IANA time zone/);
    const companies = (await (await server.call(server.a, "/api/companies")).json()) as {
      companies: unknown[];
    };
    expect(companies.companies).toHaveLength(1);
  });

  it("fires categorize_transactions for its company at 03:00 (in fake time)", async () => {
    let now = Date.parse("2026-03-01T02:59:00.000Z");
    const clock: Clock = { now: () => now, setTimeout, clearTimeout };
    const queue = createQueue({
      store: createMemoryStore(),
      tasks: loadBookTasks(server.db, loadConfig({})),
      clock,
    });
    await queue.init();
    try {
      await reconcileNightlySchedules(server.db, queue, NIGHTLY);
      expect(await fireDueSchedules(queue)).toBe(0);
      now = Date.parse("2026-03-01T03:00:05.000Z");
      expect(await fireDueSchedules(queue)).toBe(2);
      expect(await fireDueSchedules(queue)).toBe(0);
      const { jobs } = await queue.list({ tenantId: server.a.tenantId });
      expect(jobs).toEqual([
        expect.objectContaining({
          type: "categorize_transactions",
          input: { company_id: server.a.companyId, limit: 50_000 },
          concurrencyKey: `company:${server.a.companyId}`,
        }),
      ]);
    } finally {
      await queue.close();
    }
  });
});

describe("GET /api/schedules and pause/resume", () => {
  beforeEach(async () => {
    await reconcileNightlySchedules(server.db, server.queue, NIGHTLY);
  });

  it("shows a tenant its own schedules only", async () => {
    const mine = await schedulesOf(server.a);
    expect(mine.map((s) => s.name)).toEqual([nightlyScheduleName(server.a.companyId)]);
    const theirs = await schedulesOf(server.b);
    expect(theirs.map((s) => s.name)).toEqual([nightlyScheduleName(server.b.companyId)]);
  });

  it("pauses (no next fire time) and resumes one, with the whole schedule in each answer", async () => {
    const name = encodeURIComponent(nightlyScheduleName(server.a.companyId));
    const paused = await server.call(server.a, `/api/schedules/${name}/pause`, { method: "POST" });
    expect(paused.status).toBe(200);
    expect(ScheduleSchema.parse(await paused.json())).toMatchObject({ paused: true, next_fire_at: null });
    expect((await schedulesOf(server.a))[0]).toMatchObject({ paused: true, next_fire_at: null });

    const again = await server.call(server.a, `/api/schedules/${name}/pause`, { method: "POST" });
    expect(again.status).toBe(200);

    const resumed = await server.call(server.a, `/api/schedules/${name}/resume`, { method: "POST" });
    expect(resumed.status).toBe(200);
    const body = ScheduleSchema.parse(await resumed.json());
    expect(body.paused).toBe(false);
    expect(Date.parse(body.next_fire_at ?? "")).toBeGreaterThan(Date.now());
  });

  it("answers 404 for another tenant's schedule and for an unknown one, and changes nothing", async () => {
    const theirs = encodeURIComponent(nightlyScheduleName(server.b.companyId));
    for (const path of [`/api/schedules/${theirs}/pause`, "/api/schedules/nightly%3Acompany-co_nope/pause"]) {
      const res = await server.call(server.a, path, { method: "POST" });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: "not_found", message: expect.stringMatching(/^No schedule nightly:company-/) },
      });
    }
    expect((await schedulesOf(server.b))[0]?.paused).toBe(false);
  });

  it("needs a token", async () => {
    expect((await server.call(null, "/api/schedules")).status).toBe(401);
  });

  it("is described in the OpenAPI document", async () => {
    const doc = (await (await server.app.request("/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/schedules",
        "/api/schedules/{name}/pause",
        "/api/schedules/{name}/resume",
      ]),
    );
  });
});

describe("an operator's view of every tenant's schedules", () => {
  beforeEach(async () => {
    await reconcileNightlySchedules(server.db, server.queue, NIGHTLY);
  });
  const operator = async (): Promise<TestTenant> => {
    const { token } = await createApiToken(server.db, server.a.tenantId, { name: "ops", operator: true });
    return { ...server.a, token };
  };

  it("is refused (403) to a token that is not an operator's, for listing and for pausing", async () => {
    expect((await server.call(server.a, "/api/admin/schedules")).status).toBe(403);
    const theirs = encodeURIComponent(nightlyScheduleName(server.b.companyId));
    const res = await server.call(server.a, `/api/admin/schedules/${theirs}/pause`, { method: "POST" });
    expect(res.status).toBe(403);
    expect((await schedulesOf(server.b))[0]?.paused).toBe(false);
  });

  it("lists every tenant's with its tenant, and pauses and resumes another tenant's", async () => {
    const ops = await operator();
    const all = (await (await server.call(ops, "/api/admin/schedules")).json()) as {
      schedules: { name: string; tenant_id: string }[];
    };
    expect(all.schedules.map((s) => [s.name, s.tenant_id]).sort()).toEqual(
      [
        [nightlyScheduleName(server.a.companyId), server.a.tenantId],
        [nightlyScheduleName(server.b.companyId), server.b.tenantId],
      ].sort(),
    );
    const theirs = encodeURIComponent(nightlyScheduleName(server.b.companyId));
    const paused = await server.call(ops, `/api/admin/schedules/${theirs}/pause`, { method: "POST" });
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ tenant_id: server.b.tenantId, paused: true });
    expect((await schedulesOf(server.b))[0]?.paused).toBe(true);
    await server.call(ops, `/api/admin/schedules/${theirs}/resume`, { method: "POST" });
    expect((await schedulesOf(server.b))[0]?.paused).toBe(false);
    const unknown = await server.call(ops, "/api/admin/schedules/nope/pause", { method: "POST" });
    expect(unknown.status).toBe(404);
  });
});

describe("reconciling the nightly schedules at start", () => {
  it("creates missing ones, moves them to a new cron keeping time zone and pause, and drops a gone company's", async () => {
    const first = await reconcileNightlySchedules(server.db, server.queue, NIGHTLY);
    expect(first).toEqual({ created: 2, updated: 0, removed: 0 });
    expect(await reconcileNightlySchedules(server.db, server.queue, NIGHTLY)).toEqual({
      created: 0,
      updated: 0,
      removed: 0,
    });

    const a = nightlyScheduleName(server.a.companyId);
    await server.queue.setSchedulePaused(a, true);
    const paris = await createCompany(server.db, server.a.tenantId, { name: "Paris SARL" });
    await server.queue.schedule(nightlyScheduleName(paris.id), {
      task: "categorize_transactions",
      cron: "0 3 * * *",
      timezone: "Europe/Paris",
      input: { company_id: paris.id },
      tenantId: server.a.tenantId,
    });
    await server.queue.schedule(nightlyScheduleName("co_gone"), {
      task: "categorize_transactions",
      cron: "0 3 * * *",
      input: { company_id: "co_gone" },
      tenantId: server.a.tenantId,
    });

    const moved = await reconcileNightlySchedules(server.db, server.queue, {
      ...NIGHTLY,
      cron: "30 4 * * *",
    });
    expect(moved).toEqual({ created: 0, updated: 3, removed: 1 });
    const byName = new Map((await server.queue.schedules()).map((s) => [s.name, s]));
    expect(byName.has(nightlyScheduleName("co_gone"))).toBe(false);
    expect(byName.get(a)).toMatchObject({ cron: "30 4 * * *", paused: true });
    expect(byName.get(nightlyScheduleName(paris.id))).toMatchObject({
      cron: "30 4 * * *",
      timezone: "Europe/Paris",
    });
  });

  it("refuses an invalid NIGHTLY_CRON with the engine's message", async () => {
    await expect(
      reconcileNightlySchedules(server.db, server.queue, { cron: "every night", timezone: "UTC" }),
    ).rejects.toThrow(/cron "every night" is not valid/);
  });
});

describe("the limits' configuration", () => {
  it("has documented defaults, and LLM_RATE_MAX=0 turns the provider limit off", () => {
    const defaults = loadConfig({});
    expect(defaults.llmLimits).toEqual({ concurrency: 3, rate: { max: 30, perMs: 60_000 } });
    expect(defaults.companyJobConcurrency).toBe(1);
    expect(defaults.nightly).toEqual({ cron: "0 3 * * *", timezone: "UTC" });
    expect(loadConfig({ LLM_RATE_MAX: "0" }).llmLimits.rate).toBeNull();
    expect(loadConfig({ LLM_RATE_MAX: "10", LLM_RATE_PER_MS: "1000" }).llmLimits.rate).toEqual({
      max: 10,
      perMs: 1000,
    });
  });

  it("names the variable and the value it refuses", () => {
    expect(() => loadConfig({ NIGHTLY_TIMEZONE: "Mars/Olympus" })).toThrow(ConfigError);
    expect(() => loadConfig({ NIGHTLY_TIMEZONE: "Mars/Olympus" })).toThrow(
      'Invalid configuration: NIGHTLY_TIMEZONE must be an IANA time zone such as "UTC" or "Europe/Paris" (got "Mars/Olympus").',
    );
    expect(() => loadConfig({ COMPANY_JOB_CONCURRENCY: "0" })).toThrow(
      'Invalid configuration: COMPANY_JOB_CONCURRENCY must be a whole number from 1 to 100 (got "0").',
    );
  });
});
