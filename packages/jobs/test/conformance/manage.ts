import { describe, expect, it } from "vitest";
import { expectRejectedAsConflict } from "./cancel.js";
import { DAY, leaseOf, newJob, OTHER_TENANT, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

export function manageTests(h: StoreHarness): void {
  const failJob = async (maxAttempts = 1) => {
    const { job } = await h.store.enqueue(newJob({ maxAttempts }));
    const [claimed] = await h.store.claim({
      workerId: "w1",
      limit: 1,
      leaseMs: 1000,
      now: T0,
      types: [TYPE],
    });
    await h.store.updateProgress(leaseOf(claimed!), 30, "Parsing", T0 + 1);
    await h.store.fail(
      leaseOf(claimed!),
      { code: "handler_error", message: "boom" },
      { now: T0 + 2, retentionMs: DAY },
    );
    return job;
  };

  describe("manual retry", () => {
    it("puts a failed job back to pending with a fresh attempt budget", async () => {
      const job = await failJob();
      const retried = await h.store.retry(TENANT, job.id, T0 + 100);
      expect(retried).toMatchObject({
        status: "pending",
        attempts: 0,
        progress: 0,
        error: null,
        result: null,
        runAt: T0 + 100,
        finishedAt: null,
        expiresAt: null,
      });
      const [again] = await h.store.claim({
        workerId: "w2",
        limit: 1,
        leaseMs: 1000,
        now: T0 + 100,
        types: [TYPE],
      });
      expect(again).toMatchObject({ id: job.id, attempts: 1 });
    });

    it("retries a cancelled job", async () => {
      const { job } = await h.store.enqueue(newJob());
      await h.store.cancel(TENANT, job.id, T0, DAY);
      expect((await h.store.retry(TENANT, job.id, T0 + 1))?.status).toBe("pending");
    });

    it("refuses to retry a pending, running or complete job", async () => {
      const { job } = await h.store.enqueue(newJob());
      await expectRejectedAsConflict(h.store.retry(TENANT, job.id, T0));
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await expectRejectedAsConflict(h.store.retry(TENANT, job.id, T0));
      await h.store.complete(leaseOf(claimed!), null, T0 + 1, DAY);
      await expectRejectedAsConflict(h.store.retry(TENANT, job.id, T0 + 2));
    });

    it("returns null for an unknown job and for another tenant's job", async () => {
      const job = await failJob();
      expect(await h.store.retry(OTHER_TENANT, job.id, T0)).toBeNull();
      expect(await h.store.retry(TENANT, "job_unknown00000000000000", T0)).toBeNull();
    });
  });

  describe("delete", () => {
    it("deletes pending and finished jobs", async () => {
      const { job: pending } = await h.store.enqueue(newJob());
      const failed = await failJob();
      expect(await h.store.delete(TENANT, pending.id)).toBe(true);
      expect(await h.store.delete(TENANT, failed.id)).toBe(true);
      expect(await h.store.get(null, pending.id)).toBeNull();
      expect(await h.store.get(null, failed.id)).toBeNull();
      expect(
        await h.store.claim({ workerId: "w1", limit: 5, leaseMs: 1000, now: T0 + 10, types: [TYPE] }),
      ).toEqual([]);
    });

    it("refuses to delete a running job with a conflict", async () => {
      const { job } = await h.store.enqueue(newJob());
      await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
      await expect(h.store.delete(TENANT, job.id)).rejects.toMatchObject({ code: "conflict" });
      expect((await h.store.get(null, job.id))?.status).toBe("running");
    });

    it("returns false for an unknown job and for another tenant's job", async () => {
      const { job } = await h.store.enqueue(newJob());
      expect(await h.store.delete(OTHER_TENANT, job.id)).toBe(false);
      expect(await h.store.delete(TENANT, "job_unknown00000000000000")).toBe(false);
      expect(await h.store.get(null, job.id)).not.toBeNull();
    });

    it("frees the job's idempotency key", async () => {
      const { job } = await h.store.enqueue(newJob({ idempotencyKey: "k" }));
      await h.store.delete(TENANT, job.id);
      expect((await h.store.enqueue(newJob({ idempotencyKey: "k" }))).created).toBe(true);
    });
  });
}
