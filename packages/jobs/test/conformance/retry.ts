import { describe, expect, it } from "vitest";
import { DAY, leaseOf, newJob, type StoreHarness, T0, TYPE } from "./harness.js";

export function failureTests(h: StoreHarness): void {
  describe("completion and failure", () => {
    it("complete stores the result, progress 100, finishedAt and expiresAt = now + retention", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      expect(await h.store.complete(leaseOf(claimed!), { created: 3 }, T0 + 50, DAY)).toBe(true);
      expect(await h.store.get(null, job.id)).toMatchObject({
        status: "complete",
        progress: 100,
        result: { created: 3 },
        error: null,
        leaseOwner: null,
        leaseExpiresAt: null,
        finishedAt: T0 + 50,
        expiresAt: T0 + 50 + DAY,
      });
    });

    it("a failed attempt with retryAt goes back to pending with the error and a later runAt", async () => {
      const { job } = await h.store.enqueue(newJob({ maxAttempts: 3 }));
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      const error = { code: "handler_error", message: "Bank API said 502" };
      expect(
        await h.store.fail(leaseOf(claimed!), error, { retryAt: T0 + 4000, now: T0 + 10, retentionMs: DAY }),
      ).toBe(true);
      expect(await h.store.get(null, job.id)).toMatchObject({
        status: "pending",
        attempts: 1,
        runAt: T0 + 4000,
        error,
        leaseOwner: null,
        finishedAt: null,
      });
      expect(
        await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0 + 3999, types: [TYPE] }),
      ).toEqual([]);
      const [again] = await h.store.claim({
        workerId: "w2",
        limit: 1,
        leaseMs: 1000,
        now: T0 + 4000,
        types: [TYPE],
      });
      expect(again).toMatchObject({ id: job.id, attempts: 2, status: "running" });
    });

    it("a fail without retryAt is final: failed, error kept, progress kept, expiresAt set", async () => {
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.updateProgress(leaseOf(claimed!), 40, "Halfway", T0 + 5);
      const error = { code: "handler_error", message: "The CSV has no header row." };
      expect(await h.store.fail(leaseOf(claimed!), error, { now: T0 + 10, retentionMs: DAY })).toBe(true);
      expect(await h.store.get(null, job.id)).toMatchObject({
        status: "failed",
        error,
        progress: 40,
        message: "Halfway",
        finishedAt: T0 + 10,
        expiresAt: T0 + 10 + DAY,
      });
    });

    it("a finished job cannot be completed or failed again", async () => {
      await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      const lease = leaseOf(claimed!);
      expect(await h.store.complete(lease, 1, T0 + 1, DAY)).toBe(true);
      expect(await h.store.complete(lease, 2, T0 + 2, DAY)).toBe(false);
      expect(await h.store.fail(lease, { code: "x", message: "x" }, { now: T0 + 2, retentionMs: DAY })).toBe(
        false,
      );
      expect((await h.store.get(null, claimed!.id))?.result).toBe(1);
    });
  });
}
