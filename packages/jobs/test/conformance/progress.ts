import { describe, expect, it } from "vitest";
import { DAY, leaseOf, newJob, type StoreHarness, T0, TYPE } from "./harness.js";

export function progressTests(h: StoreHarness): void {
  describe("progress", () => {
    it("is visible to readers while the job runs, with its message", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      expect(await h.store.updateProgress(leaseOf(claimed!), 10, "Fetching transactions...", T0 + 1)).toBe(
        true,
      );
      expect(await h.store.get(job.tenantId, job.id)).toMatchObject({
        status: "running",
        progress: 10,
        message: "Fetching transactions...",
        updatedAt: T0 + 1,
      });
      expect(
        await h.store.updateProgress(leaseOf(claimed!), 55, "Categorizing transaction 3/6...", T0 + 2),
      ).toBe(true);
      expect(await h.store.get(job.tenantId, job.id)).toMatchObject({
        progress: 55,
        message: "Categorizing transaction 3/6...",
      });
    });

    it("a null message keeps the previous message", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.updateProgress(leaseOf(claimed!), 10, "Fetching", T0 + 1);
      await h.store.updateProgress(leaseOf(claimed!), 20, null, T0 + 2);
      expect(await h.store.get(null, job.id)).toMatchObject({ progress: 20, message: "Fetching" });
    });

    it("never moves backwards within an attempt", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.updateProgress(leaseOf(claimed!), 60, "a", T0 + 1);
      await h.store.updateProgress(leaseOf(claimed!), 30, "b", T0 + 2);
      expect((await h.store.get(null, job.id))?.progress).toBe(60);
    });

    it("starts again at 0 on the next attempt, and climbs from there", async () => {
      const { job } = await h.store.enqueue(newJob({ maxAttempts: 2 }));
      const [first] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.updateProgress(leaseOf(first!), 60, "Categorizing", T0 + 1);
      await h.store.fail(
        leaseOf(first!),
        { code: "e", message: "e" },
        { retryAt: T0 + 2, now: T0 + 2, retentionMs: DAY },
      );
      const [second] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0 + 2,
        types: [TYPE],
      });
      expect(second?.progress).toBe(0);
      await h.store.updateProgress(leaseOf(second!), 20, "Again", T0 + 3);
      expect(await h.store.get(null, job.id)).toMatchObject({ attempts: 2, progress: 20, message: "Again" });
    });

    it("a completion with a message makes it the job's last message; without one keeps the reported one", async () => {
      const claimOne = async () => {
        const { job } = await h.store.enqueue(newJob());
        const [claimed] = await h.store.claim({
          workerId: "w1",
          limit: 1,
          leaseMs: 1000,
          now: T0,
          types: [TYPE],
        });
        await h.store.updateProgress(leaseOf(claimed!), 40, "Categorizing transaction 3/6...", T0 + 1);
        return { job, lease: leaseOf(claimed!) };
      };
      const folded = await claimOne();
      const kept = await claimOne();
      const unset = await claimOne();
      // Issued together, as a worker's completions of one turn are (batched stores write them as one).
      expect(
        await Promise.all([
          h.store.complete(folded.lease, 1, T0 + 2, DAY, "Imported 6 transactions."),
          h.store.complete(kept.lease, 2, T0 + 2, DAY, null),
          h.store.complete(unset.lease, 3, T0 + 2, DAY),
        ]),
      ).toEqual([true, true, true]);
      expect(await h.store.get(null, folded.job.id)).toMatchObject({
        status: "complete",
        progress: 100,
        message: "Imported 6 transactions.",
        result: 1,
      });
      for (const { job } of [kept, unset]) {
        expect(await h.store.get(null, job.id)).toMatchObject({
          status: "complete",
          progress: 100,
          message: "Categorizing transaction 3/6...",
        });
      }
    });

    it("a completion whose lease was lost does not change the message", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.updateProgress(leaseOf(claimed!), 40, "Mine", T0 + 1);
      const stale = { ...leaseOf(claimed!), workerId: "w2" };
      expect(await h.store.complete(stale, 1, T0 + 2, DAY, "Not mine")).toBe(false);
      expect(await h.store.get(null, job.id)).toMatchObject({ status: "running", message: "Mine" });
    });

    it("is 100 once the job completes", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.updateProgress(leaseOf(claimed!), 95, "Committing to database...", T0 + 1);
      await h.store.complete(leaseOf(claimed!), { ok: true }, T0 + 2, DAY);
      expect((await h.store.get(null, job.id))?.progress).toBe(100);
    });
  });
}
