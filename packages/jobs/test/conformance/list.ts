import { describe, expect, it } from "vitest";
import type { JobRecord } from "../../src/types.js";
import { DAY, leaseOf, newJob, OTHER_TENANT, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

export function listTests(h: StoreHarness): void {
  const pageThrough = async (query: Omit<Parameters<typeof h.store.list>[0], "cursor">) => {
    const seen: JobRecord[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await h.store.list({ ...query, cursor });
      seen.push(...page.jobs);
      if (page.nextCursor === null) return seen;
      cursor = page.nextCursor;
    }
    throw new Error("paging did not end");
  };

  describe("list and counts", () => {
    it("pages newest first by cursor with no duplicates and no gaps", async () => {
      // Several jobs share a createdAt, so the order must also break ties.
      const jobs = Array.from({ length: 23 }, (_, i) =>
        newJob({ now: T0 + Math.floor(i / 3), input: { i } }),
      );
      await h.store.enqueueMany(jobs);
      const first = await h.store.list({ tenantId: TENANT, limit: 5 });
      expect(first.jobs).toHaveLength(5);
      expect(first.nextCursor).not.toBeNull();
      const all = await pageThrough({ tenantId: TENANT, limit: 5 });
      expect(all).toHaveLength(23);
      expect(new Set(all.map((j) => j.id)).size).toBe(23);
      for (let i = 1; i < all.length; i++) {
        const a = all[i - 1]!;
        const b = all[i]!;
        expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
      }
    });

    it("a page that holds everything has no next cursor", async () => {
      await h.store.enqueueMany([newJob(), newJob()]);
      const page = await h.store.list({ tenantId: TENANT, limit: 2 });
      expect(page.jobs).toHaveLength(2);
      expect(page.nextCursor).toBeNull();
    });

    it("filters by status (one or several) and by type", async () => {
      await h.store.enqueueMany([newJob(), newJob(), newJob(), newJob({ type: "other_task" })]);
      const [running, done] = await h.store.claim({
        workerId: "w1",
        limit: 2,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.complete(leaseOf(done!), null, T0 + 1, DAY);
      const ids = (jobs: JobRecord[]) => jobs.map((j) => j.id).sort();
      expect(ids((await h.store.list({ tenantId: TENANT, status: "running" })).jobs)).toEqual([running!.id]);
      expect(ids((await h.store.list({ tenantId: TENANT, status: ["running", "complete"] })).jobs)).toEqual(
        [running!.id, done!.id].sort(),
      );
      const pendingOfType = await h.store.list({ tenantId: TENANT, status: "pending", type: TYPE });
      expect(pendingOfType.jobs).toHaveLength(1);
      expect((await h.store.list({ tenantId: TENANT, type: "other_task" })).jobs).toHaveLength(1);
      const paged = await pageThrough({ tenantId: TENANT, status: ["pending", "complete"], limit: 1 });
      expect(paged.map((j) => j.status).sort()).toEqual(["complete", "pending", "pending"]);
    });

    it("shows a tenant only its own jobs", async () => {
      await h.store.enqueueMany([
        newJob(),
        newJob({ tenantId: OTHER_TENANT }),
        newJob({ tenantId: OTHER_TENANT }),
      ]);
      expect((await h.store.list({ tenantId: TENANT })).jobs.every((j) => j.tenantId === TENANT)).toBe(true);
      expect((await h.store.list({ tenantId: TENANT })).jobs).toHaveLength(1);
      expect((await h.store.list({ tenantId: OTHER_TENANT })).jobs).toHaveLength(2);
      expect((await h.store.list({ tenantId: "tenant_nobody" })).jobs).toEqual([]);
    });

    it("caps a page at 500 jobs and defaults to 50", async () => {
      await h.store.enqueueMany(Array.from({ length: 501 }, () => newJob()));
      expect((await h.store.list({ tenantId: TENANT })).jobs).toHaveLength(50);
      const capped = await h.store.list({ tenantId: TENANT, limit: 10_000 });
      expect(capped.jobs).toHaveLength(500);
      expect(capped.nextCursor).not.toBeNull();
    });

    it("counts jobs by status for one tenant, optionally one type", async () => {
      await h.store.enqueueMany([newJob(), newJob(), newJob(), newJob({ type: "other_task" })]);
      const [running, done] = await h.store.claim({
        workerId: "w1",
        limit: 2,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      // Enqueued after the claim: with fair share it would otherwise be the claim's second job.
      await h.store.enqueue(newJob({ tenantId: OTHER_TENANT }));
      await h.store.complete(leaseOf(done!), null, T0 + 1, DAY);
      expect(running).toBeDefined();
      expect(await h.store.countByStatus(TENANT)).toEqual({
        pending: 2,
        running: 1,
        complete: 1,
        failed: 0,
        cancelled: 0,
      });
      expect(await h.store.countByStatus(TENANT, "other_task")).toEqual({
        pending: 1,
        running: 0,
        complete: 0,
        failed: 0,
        cancelled: 0,
      });
    });
  });
}
