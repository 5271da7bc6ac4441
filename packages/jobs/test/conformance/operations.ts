import { describe, expect, it } from "vitest";
import type { JobRecord, ListQuery } from "../../src/types.js";
import { DAY, leaseOf, newJob, OTHER_TENANT, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

/** What operators and metrics read: trace context, stats across tenants, operator search, paused types. */
export function operationsTests(h: StoreHarness): void {
  const all = async (query: Omit<ListQuery, "cursor">): Promise<JobRecord[]> => {
    const seen: JobRecord[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await h.store.list({ ...query, cursor, limit: 3 });
      seen.push(...page.jobs);
      if (page.nextCursor === null) return seen;
      cursor = page.nextCursor;
    }
    throw new Error("paging did not end");
  };

  describe("operations: trace context, stats, operator search, paused types", () => {
    it("keeps the trace context a job was enqueued with (null without)", async () => {
      const context = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;vendor=value";
      const traced = newJob({ traceContext: context });
      const plain = newJob();
      await h.store.enqueueMany([traced, plain]);
      expect((await h.store.get(null, traced.id))?.traceContext).toBe(context);
      expect((await h.store.get(null, plain.id))?.traceContext).toBeNull();
      const [claimed] = await h.store.claim({
        workerId: "w",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      expect(claimed?.traceContext).toBe(context);
    });

    it("stats count pending, due and running per type across tenants, with the oldest due time", async () => {
      await h.store.enqueueMany([
        newJob({ runAt: T0 - 50 }),
        newJob({ tenantId: OTHER_TENANT, runAt: T0 - 20 }),
        newJob({ runAt: T0 + 60_000 }),
        newJob({ type: "other_task", runAt: T0 - 5 }),
        newJob({ type: "other_task" }),
      ]);
      await h.store.claim({ workerId: "w", limit: 1, leaseMs: 1000, now: T0, types: ["other_task"] });
      const done = newJob({ type: "third_task" });
      await h.store.enqueue(done);
      const [third] = await h.store.claim({
        workerId: "w",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: ["third_task"],
      });
      await h.store.complete(leaseOf(third as JobRecord), null, T0 + 1, DAY);
      expect(await h.store.stats(T0)).toEqual(
        [
          { type: TYPE, pending: 3, due: 2, running: 0, oldestDueAt: T0 - 50 },
          { type: "other_task", pending: 1, due: 1, running: 1, oldestDueAt: T0 },
        ].sort((a, b) => (a.type < b.type ? -1 : 1)),
      );
    });

    it("lists every tenant's jobs with tenantId null, newest first, filtered by type and status", async () => {
      await h.store.enqueueMany([
        newJob({ now: T0 + 1, input: { i: 1 } }),
        newJob({ tenantId: OTHER_TENANT, now: T0 + 2, input: { i: 2 } }),
        newJob({ tenantId: OTHER_TENANT, now: T0 + 3, type: "other_task", input: { i: 3 } }),
        newJob({ now: T0 + 4, input: { i: 4 } }),
      ]);
      expect((await all({ tenantId: null })).map((j) => j.input)).toEqual([
        { i: 4 },
        { i: 3 },
        { i: 2 },
        { i: 1 },
      ]);
      expect((await all({ tenantId: null, type: TYPE })).map((j) => j.input)).toEqual([
        { i: 4 },
        { i: 2 },
        { i: 1 },
      ]);
      expect((await all({ tenantId: OTHER_TENANT })).map((j) => j.input)).toEqual([{ i: 3 }, { i: 2 }]);
      expect(await all({ tenantId: null, status: "running" })).toEqual([]);
    });

    it("searches by exact id, or text in the input or the error message, case-insensitively", async () => {
      const amazon = newJob({ input: { description: "AMAZON Marketplace", n: 1 } });
      const other = newJob({ tenantId: OTHER_TENANT, input: { description: "Starbucks", n: 2 } });
      const failing = newJob({ input: { description: "x", n: 3 } });
      await h.store.enqueueMany([amazon, other, failing]);
      const [claimed] = await h.store.claim({
        workerId: "w",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      // Fair share claims the first job of the first tenant: amazon. Fail it with a findable message.
      expect(claimed?.id).toBe(amazon.id);
      await h.store.fail(
        leaseOf(claimed as JobRecord),
        { code: "handler_error", message: "Provider TIMEOUT at row 7" },
        {
          now: T0 + 1,
          retentionMs: DAY,
        },
      );
      const ids = async (search: string, tenantId: string | null = null) =>
        (await all({ tenantId, search })).map((j) => j.id).sort();
      expect(await ids("amazon")).toEqual([amazon.id]);
      expect(await ids("marketplace", TENANT)).toEqual([amazon.id]);
      expect(await ids("marketplace", OTHER_TENANT)).toEqual([]);
      expect(await ids("starbucks")).toEqual([other.id]);
      expect(await ids("timeout at row")).toEqual([amazon.id]);
      expect(await ids(failing.id)).toEqual([failing.id]);
      expect(await ids("no such text")).toEqual([]);
      // A search string with LIKE/glob metacharacters is matched literally.
      expect(await ids("%")).toEqual([]);
      expect(await ids("_")).toEqual([]);
    });

    it("filters by creation time: createdFrom inclusive, createdTo exclusive", async () => {
      await h.store.enqueueMany([10, 20, 30, 40].map((t) => newJob({ now: T0 + t, input: { t } })));
      const page = await all({ tenantId: TENANT, createdFrom: T0 + 20, createdTo: T0 + 40 });
      expect(page.map((j) => j.input)).toEqual([{ t: 30 }, { t: 20 }]);
    });

    it("pauses and resumes job types, sorted, and keeps them for every reader", async () => {
      expect(await h.store.pausedTypes()).toEqual([]);
      await h.store.setTypePaused("b_task", true, T0);
      await h.store.setTypePaused("a_task", true, T0);
      await h.store.setTypePaused("a_task", true, T0);
      expect(await h.store.pausedTypes()).toEqual(["a_task", "b_task"]);
      await h.store.setTypePaused("b_task", false, T0);
      await h.store.setTypePaused("never_paused", false, T0);
      expect(await h.store.pausedTypes()).toEqual(["a_task"]);
    });
  });
}
