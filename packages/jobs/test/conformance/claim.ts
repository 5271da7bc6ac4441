import { describe, expect, it } from "vitest";
import { newJob, type StoreHarness, T0, TYPE } from "./harness.js";

export function claimTests(h: StoreHarness): void {
  describe("claims", () => {
    it("moves a due job to running under a lease: owner, attempt 1, startedAt, leaseExpiresAt", async () => {
      const { job } = await h.store.enqueue(newJob());
      const claimed = await h.store.claim({
        workerId: "w1",
        limit: 5,
        leaseMs: 30_000,
        now: T0 + 10,
        types: [TYPE],
      });
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({
        id: job.id,
        status: "running",
        attempts: 1,
        leaseOwner: "w1",
        leaseExpiresAt: T0 + 10 + 30_000,
        startedAt: T0 + 10,
      });
      expect(await h.store.get(null, job.id)).toMatchObject({
        status: "running",
        leaseOwner: "w1",
        attempts: 1,
      });
    });

    it("claims at most `limit` jobs, earliest runAt first", async () => {
      const late = newJob({ runAt: T0 + 3 });
      const early = newJob({ runAt: T0 + 1 });
      const middle = newJob({ runAt: T0 + 2 });
      await h.store.enqueueMany([late, early, middle]);
      const first = await h.store.claim({
        workerId: "w1",
        limit: 2,
        leaseMs: 1000,
        now: T0 + 10,
        types: [TYPE],
      });
      expect(first.map((j) => j.id)).toEqual([early.id, middle.id]);
      const second = await h.store.claim({
        workerId: "w1",
        limit: 2,
        leaseMs: 1000,
        now: T0 + 10,
        types: [TYPE],
      });
      expect(second.map((j) => j.id)).toEqual([late.id]);
    });

    it("claims only the job types the worker knows", async () => {
      const other = newJob({ type: "other_task" });
      const mine = newJob();
      await h.store.enqueueMany([other, mine]);
      const claimed = await h.store.claim({
        workerId: "w1",
        limit: 10,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      expect(claimed.map((j) => j.id)).toEqual([mine.id]);
      expect((await h.store.get(null, other.id))?.status).toBe("pending");
    });

    it("does not claim a delayed job before its runAt, and does at runAt", async () => {
      const { job } = await h.store.enqueue(newJob({ runAt: T0 + 60_000 }));
      const early = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0 + 59_999,
        types: [TYPE],
      });
      expect(early).toEqual([]);
      const due = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0 + 60_000,
        types: [TYPE],
      });
      expect(due.map((j) => j.id)).toEqual([job.id]);
    });

    it("never gives one job to two claimers racing for the same jobs", async () => {
      const total = 60;
      await h.store.enqueueMany(Array.from({ length: total }, (_, i) => newJob({ input: { i } })));
      const claimer = async (workerId: string) => {
        const mine: string[] = [];
        for (;;) {
          const batch = await h.store.claim({ workerId, limit: 4, leaseMs: 30_000, now: T0, types: [TYPE] });
          if (batch.length === 0) return mine;
          for (const job of batch) {
            expect(job.leaseOwner).toBe(workerId);
            mine.push(job.id);
          }
        }
      };
      const results = await Promise.all(["w1", "w2", "w3", "w4", "w5"].map(claimer));
      const all = results.flat();
      expect(all).toHaveLength(total);
      expect(new Set(all).size).toBe(total);
      for (const [i, ids] of results.entries()) {
        for (const id of ids.slice(0, 3)) expect((await h.store.get(null, id))?.leaseOwner).toBe(`w${i + 1}`);
      }
    });

    it("returns nothing when no job is due", async () => {
      expect(
        await h.store.claim({ workerId: "w1", limit: 5, leaseMs: 1000, now: T0, types: [TYPE] }),
      ).toEqual([]);
    });
  });
}
