import { describe, expect, it } from "vitest";
import { leaseOf, newJob, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

export function retentionTests(h: StoreHarness): void {
  describe("retention", () => {
    it("deletes only terminal jobs whose expiresAt has passed", async () => {
      const HOUR = 60 * 60 * 1000;
      const ids = (await h.store.enqueueMany([newJob(), newJob(), newJob(), newJob()])).map((r) => r.job.id);
      const claimed = await h.store.claim({
        workerId: "w1",
        limit: 3,
        leaseMs: 10 * HOUR,
        now: T0,
        types: [TYPE],
      });
      const [done, failed, running] = claimed;
      await h.store.complete(leaseOf(done!), null, T0, HOUR);
      await h.store.fail(leaseOf(failed!), { code: "e", message: "e" }, { now: T0, retentionMs: 2 * HOUR });
      const pending = ids.find((id) => !claimed.some((j) => j.id === id))!;
      const cancelled = (await h.store.enqueue(newJob())).job.id;
      await h.store.cancel(TENANT, cancelled, T0, HOUR);

      expect(await h.store.deleteExpired(T0 + HOUR - 1, 100)).toBe(0);
      expect(await h.store.deleteExpired(T0 + HOUR, 100)).toBe(2);
      expect(await h.store.get(null, done!.id)).toBeNull();
      expect(await h.store.get(null, cancelled)).toBeNull();
      expect(await h.store.get(null, failed!.id)).not.toBeNull();

      expect(await h.store.deleteExpired(T0 + 100 * HOUR, 100)).toBe(1);
      expect(await h.store.get(null, failed!.id)).toBeNull();
      expect((await h.store.get(null, running!.id))?.status).toBe("running");
      expect((await h.store.get(null, pending))?.status).toBe("pending");
    });

    it("deletes in batches of at most `limit`", async () => {
      await h.store.enqueueMany(Array.from({ length: 7 }, () => newJob()));
      const claimed = await h.store.claim({
        workerId: "w1",
        limit: 7,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      for (const job of claimed) await h.store.complete(leaseOf(job), null, T0, 10);
      expect(await h.store.deleteExpired(T0 + 10, 3)).toBe(3);
      expect(await h.store.deleteExpired(T0 + 10, 3)).toBe(3);
      expect(await h.store.deleteExpired(T0 + 10, 3)).toBe(1);
      expect(await h.store.deleteExpired(T0 + 10, 3)).toBe(0);
      expect((await h.store.list({ tenantId: TENANT })).jobs).toEqual([]);
    });
  });
}
