import { describe, expect, it } from "vitest";
import type { JobEventKind } from "../../src/types.js";
import {
  DAY,
  eventually,
  leaseOf,
  newJob,
  recordEvents,
  type StoreHarness,
  T0,
  TENANT,
  TYPE,
} from "./harness.js";

export function eventTests(h: StoreHarness): void {
  describe("events", () => {
    it("delivers each change of a job: enqueued, started, progress, completed", async () => {
      const events = recordEvents(h);
      const { job } = await h.store.enqueue(newJob());
      const [claimed] = await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      });
      await h.store.updateProgress(leaseOf(claimed!), 50, "Halfway", T0 + 1);
      await h.store.complete(leaseOf(claimed!), null, T0 + 2, DAY);
      const kinds = () => events.filter((e) => e.jobId === job.id).map((e) => e.kind);
      await eventually(() => expect(kinds()).toEqual(["enqueued", "started", "progress", "completed"]));
      const progress = events.find((e) => e.kind === "progress");
      expect(progress).toMatchObject({
        jobId: job.id,
        tenantId: TENANT,
        type: TYPE,
        status: "running",
        progress: 50,
        message: "Halfway",
      });
      expect(events.find((e) => e.kind === "completed")).toMatchObject({ status: "complete", progress: 100 });
    });

    it("delivers retrying, failed, cancelled and deleted", async () => {
      const events = recordEvents(h);
      const { job } = await h.store.enqueue(newJob({ maxAttempts: 2 }));
      const [c1] = await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
      await h.store.fail(
        leaseOf(c1!),
        { code: "e", message: "e" },
        { retryAt: T0, now: T0, retentionMs: DAY },
      );
      const [c2] = await h.store.claim({ workerId: "w1", limit: 1, leaseMs: 1000, now: T0, types: [TYPE] });
      await h.store.fail(leaseOf(c2!), { code: "e", message: "e" }, { now: T0, retentionMs: DAY });
      const { job: other } = await h.store.enqueue(newJob());
      await h.store.cancel(TENANT, other.id, T0, DAY);
      await h.store.delete(TENANT, other.id);
      const kinds = (id: string): JobEventKind[] => events.filter((e) => e.jobId === id).map((e) => e.kind);
      await eventually(() => {
        expect(kinds(job.id)).toEqual(["enqueued", "started", "retrying", "started", "failed"]);
        expect(kinds(other.id)).toEqual(["enqueued", "cancelled", "deleted"]);
      });
      expect(events.find((e) => e.jobId === job.id && e.kind === "retrying")?.status).toBe("pending");
      expect(events.find((e) => e.kind === "cancelled")?.status).toBe("cancelled");
    });

    it("stops delivering after unsubscribe", async () => {
      const events: string[] = [];
      const off = h.store.subscribe((e) => events.push(e.jobId));
      const { job: first } = await h.store.enqueue(newJob());
      await eventually(() => expect(events).toContain(first.id));
      off();
      const { job: second } = await h.store.enqueue(newJob());
      // A marker from a second subscriber shows that later events were delivered, just not to `off`.
      const marker: string[] = [];
      h.defer(h.store.subscribe((e) => marker.push(e.jobId)));
      const { job: third } = await h.store.enqueue(newJob());
      await eventually(() => expect(marker).toContain(third.id));
      expect(events).not.toContain(second.id);
      expect(events).not.toContain(third.id);
    });
  });
}
