import { describe, expect, it } from "vitest";
import { DAY, leaseOf, newJob, OTHER_TENANT, type StoreHarness, T0, TYPE } from "./harness.js";

export function keyTests(h: StoreHarness): void {
  describe("idempotency and dedupe keys", () => {
    it("an idempotency key returns the existing job instead of creating a second", async () => {
      const first = await h.store.enqueue(newJob({ idempotencyKey: "req-1", input: { a: 1 } }));
      const second = await h.store.enqueue(newJob({ idempotencyKey: "req-1", input: { a: 2 } }));
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.job.id).toBe(first.job.id);
      expect(second.job.input).toEqual({ a: 1 });
      expect((await h.store.list({ tenantId: first.job.tenantId })).jobs).toHaveLength(1);
    });

    it("an idempotency key still returns the job after it finished", async () => {
      const first = await h.store.enqueue(newJob({ idempotencyKey: "req-2" }));
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.complete(leaseOf(claimed!), null, T0 + 1, DAY);
      const again = await h.store.enqueue(newJob({ idempotencyKey: "req-2" }));
      expect(again).toMatchObject({ created: false, job: { id: first.job.id, status: "complete" } });
    });

    it("keys are per tenant", async () => {
      const a = await h.store.enqueue(newJob({ idempotencyKey: "k", dedupeKey: "company:1" }));
      const b = await h.store.enqueue(
        newJob({ tenantId: OTHER_TENANT, idempotencyKey: "k", dedupeKey: "company:1" }),
      );
      expect(b.created).toBe(true);
      expect(b.job.id).not.toBe(a.job.id);
    });

    it("a dedupe key returns the pending or running job with that key", async () => {
      const first = await h.store.enqueue(newJob({ dedupeKey: "company:1" }));
      expect(await h.store.enqueue(newJob({ dedupeKey: "company:1" }))).toMatchObject({
        created: false,
        job: { id: first.job.id },
      });
      await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
      expect(await h.store.enqueue(newJob({ dedupeKey: "company:1" }))).toMatchObject({
        created: false,
        job: { id: first.job.id, status: "running" },
      });
      expect((await h.store.enqueue(newJob({ dedupeKey: "company:2" }))).created).toBe(true);
    });

    it("a dedupe key is free again once its job completes, fails or is cancelled", async () => {
      const one = await h.store.enqueue(newJob({ dedupeKey: "k" }));
      const [c1] = await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
      await h.store.complete(leaseOf(c1!), null, T0 + 1, DAY);
      const two = await h.store.enqueue(newJob({ dedupeKey: "k" }));
      expect(two.created).toBe(true);
      expect(two.job.id).not.toBe(one.job.id);

      const [c2] = await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
      await h.store.fail(
        leaseOf(c2!),
        { code: "handler_error", message: "no" },
        { now: T0 + 2, retentionMs: DAY },
      );
      const three = await h.store.enqueue(newJob({ dedupeKey: "k" }));
      expect(three.created).toBe(true);

      await h.store.cancel(three.job.tenantId, three.job.id, T0 + 3, DAY);
      expect((await h.store.enqueue(newJob({ dedupeKey: "k" }))).created).toBe(true);
    });

    it("a dedupe key stays held while the job waits for a retry", async () => {
      const first = await h.store.enqueue(newJob({ dedupeKey: "k" }));
      const [c1] = await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
      await h.store.fail(
        leaseOf(c1!),
        { code: "e", message: "e" },
        { retryAt: T0 + 100, now: T0 + 1, retentionMs: DAY },
      );
      expect(await h.store.enqueue(newJob({ dedupeKey: "k" }))).toMatchObject({
        created: false,
        job: { id: first.job.id },
      });
    });

    it("enqueueMany applies the keys too", async () => {
      const results = await h.store.enqueueMany([
        newJob({ idempotencyKey: "same" }),
        newJob({ idempotencyKey: "same" }),
        newJob({ dedupeKey: "d" }),
        newJob({ dedupeKey: "d" }),
      ]);
      expect(results.map((r) => r.created)).toEqual([true, false, true, false]);
      expect(results[1]!.job.id).toBe(results[0]!.job.id);
      expect(results[3]!.job.id).toBe(results[2]!.job.id);
    });
  });
}
