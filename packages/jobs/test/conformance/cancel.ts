import { describe, expect, it } from "vitest";
import { JobsError } from "../../src/errors.js";
import { DAY, leaseOf, newJob, OTHER_TENANT, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

/** Stores may report an impossible state change as either code; both mean HTTP 409. */
export async function expectRejectedAsConflict(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JobsError);
  expect(["illegal_transition", "conflict"]).toContain((error as JobsError).code);
}

export function cancelTests(h: StoreHarness): void {
  describe("cancel", () => {
    it("cancels a pending job, which is then never claimed", async () => {
      const { job } = await h.store.enqueue(newJob());
      const cancelled = await h.store.cancel(TENANT, job.id, T0 + 5, DAY);
      expect(cancelled).toMatchObject({
        id: job.id,
        status: "cancelled",
        finishedAt: T0 + 5,
        expiresAt: T0 + 5 + DAY,
      });
      expect(
        await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0 + 10, types: [TYPE] }),
      ).toEqual([]);
    });

    it("cancels a running job: lease cleared, the worker's later writes rejected", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      const cancelled = await h.store.cancel(TENANT, job.id, T0 + 5, DAY);
      expect(cancelled).toMatchObject({ status: "cancelled", leaseOwner: null, leaseExpiresAt: null });
      const lease = leaseOf(claimed!);
      expect(await h.store.extendLease(lease, 1000, T0 + 6)).toBe(false);
      expect(await h.store.updateProgress(lease, 50, "late", T0 + 6)).toBe(false);
      expect(await h.store.complete(lease, "late", T0 + 7, DAY)).toBe(false);
      expect((await h.store.get(null, job.id))?.status).toBe("cancelled");
    });

    it("returns null for an unknown job and for another tenant's job", async () => {
      const { job } = await h.store.enqueue(newJob());
      expect(await h.store.cancel(OTHER_TENANT, job.id, T0, DAY)).toBeNull();
      expect(await h.store.cancel(TENANT, "job_unknown00000000000000", T0, DAY)).toBeNull();
      expect((await h.store.get(null, job.id))?.status).toBe("pending");
    });

    it("refuses to cancel a job that already finished", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.complete(leaseOf(claimed!), null, T0 + 1, DAY);
      await expectRejectedAsConflict(h.store.cancel(TENANT, job.id, T0 + 2, DAY));
      expect((await h.store.get(null, job.id))?.status).toBe("complete");
    });
  });
}
