import { describe, expect, it } from "vitest";
import { DAY, leaseOf, newJob, type StoreHarness, T0, TYPE } from "./harness.js";

export function leaseTests(h: StoreHarness): void {
  const claimOne = async (workerId: string, now: number, leaseMs = 1000) => {
    const [job] = await h.store.claim({ workerId, limit: 1, leaseMs, now, types: [TYPE] });
    if (job === undefined) throw new Error("expected a job to claim");
    return job;
  };

  describe("leases", () => {
    it("a heartbeat extends the lease from the time it is sent", async () => {
      await h.store.enqueue(newJob());
      const job = await claimOne("w1", T0, 1000);
      expect(await h.store.extendLease(leaseOf(job), 1000, T0 + 900)).toBe(true);
      expect((await h.store.get(null, job.id))?.leaseExpiresAt).toBe(T0 + 1900);
      expect(await h.store.reclaimExpiredLeases(T0 + 1500, DAY, () => T0 + 1500)).toBe(0);
    });

    it("does not reclaim a lease before it expires", async () => {
      await h.store.enqueue(newJob());
      const job = await claimOne("w1", T0, 1000);
      expect(await h.store.reclaimExpiredLeases(T0 + 1000, DAY, () => T0)).toBe(0);
      expect((await h.store.get(null, job.id))?.status).toBe("running");
    });

    it("puts a job whose lease expired back to pending at retryAt when attempts remain", async () => {
      const { job } = await h.store.enqueue(newJob({ maxAttempts: 2 }));
      await claimOne("w1", T0, 1000);
      const seen: number[] = [];
      const count = await h.store.reclaimExpiredLeases(T0 + 1001, DAY, (j) => {
        seen.push(j.attempts);
        return T0 + 5000;
      });
      expect(count).toBe(1);
      expect(seen).toEqual([1]);
      const after = await h.store.get(null, job.id);
      expect(after).toMatchObject({ status: "pending", attempts: 1, runAt: T0 + 5000, leaseOwner: null });
      expect(after?.error?.code).toBe("lease_expired");
      expect(
        await h.store.claim({ workerId: "w2", limit: 1, leaseMs: 1000, now: T0 + 4999, types: [TYPE] }),
      ).toEqual([]);
      const again = await claimOne("w2", T0 + 5000);
      expect(again).toMatchObject({ id: job.id, attempts: 2, leaseOwner: "w2" });
    });

    it("fails a job whose lease expired on its last attempt with code lease_expired", async () => {
      const { job } = await h.store.enqueue(newJob({ maxAttempts: 1 }));
      await claimOne("w1", T0, 1000);
      expect(await h.store.reclaimExpiredLeases(T0 + 2000, DAY, () => T0 + 2000)).toBe(1);
      const failed = await h.store.get(null, job.id);
      expect(failed).toMatchObject({
        status: "failed",
        attempts: 1,
        leaseOwner: null,
        finishedAt: T0 + 2000,
      });
      expect(failed?.expiresAt).toBe(T0 + 2000 + DAY);
      expect(failed?.error?.code).toBe("lease_expired");
      expect(failed?.error?.message).toMatch(/^The worker stopped responding/);
    });

    it("rejects every write from a stale lease once the job was reclaimed and claimed again", async () => {
      const { job } = await h.store.enqueue(newJob({ maxAttempts: 3 }));
      const first = await claimOne("w1", T0, 1000);
      await h.store.reclaimExpiredLeases(T0 + 2000, DAY, () => T0 + 2000);
      const second = await claimOne("w2", T0 + 2000, 1000);
      const stale = leaseOf(first);
      expect(await h.store.complete(stale, { from: "w1" }, T0 + 2100, DAY)).toBe(false);
      expect(await h.store.updateProgress(stale, 50, "stale", T0 + 2100)).toBe(false);
      expect(await h.store.extendLease(stale, 1000, T0 + 2100)).toBe(false);
      expect(
        await h.store.fail(stale, { code: "x", message: "x" }, { now: T0 + 2100, retentionMs: DAY }),
      ).toBe(false);
      expect(await h.store.release(stale, T0 + 2100)).toBe(false);
      expect(await h.store.get(null, job.id)).toMatchObject({
        status: "running",
        leaseOwner: "w2",
        progress: 0,
      });
      expect(await h.store.complete(leaseOf(second), { from: "w2" }, T0 + 2200, DAY)).toBe(true);
      expect((await h.store.get(null, job.id))?.result).toEqual({ from: "w2" });
    });

    it("rejects a write naming the right worker but an older attempt", async () => {
      await h.store.enqueue(newJob({ maxAttempts: 3 }));
      const first = await claimOne("w1", T0, 1000);
      await h.store.reclaimExpiredLeases(T0 + 2000, DAY, () => T0 + 2000);
      await claimOne("w1", T0 + 2000, 1000);
      expect(await h.store.complete(leaseOf(first), null, T0 + 2100, DAY)).toBe(false);
    });

    it("release gives the job back to pending without counting the attempt", async () => {
      const { job } = await h.store.enqueue(newJob());
      const claimed = await claimOne("w1", T0);
      expect(await h.store.release(leaseOf(claimed), T0 + 10)).toBe(true);
      expect(await h.store.get(null, job.id)).toMatchObject({
        status: "pending",
        attempts: 0,
        leaseOwner: null,
      });
      expect(await h.store.complete(leaseOf(claimed), null, T0 + 20, DAY)).toBe(false);
      expect((await claimOne("w2", T0 + 20)).attempts).toBe(1);
    });
  });
}
