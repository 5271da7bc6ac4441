import { describe, expect, it } from "vitest";
import { GRACE_MS, gate, startEngine, testTask } from "./engine-harness.js";
import { eventually, leaseOf, type StoreHarness, TENANT } from "./harness.js";

/** A handler that waits until its signal fires and records why. */
function waitForAbort(seen: unknown[]) {
  return (ctx: { signal: AbortSignal }) =>
    new Promise<never>((_, reject) => {
      ctx.signal.addEventListener("abort", () => {
        seen.push(ctx.signal.reason);
        reject(ctx.signal.reason);
      });
    });
}

export function engineControlTests(h: StoreHarness): void {
  describe("engine: cancel, timeouts, leases and shutdown", () => {
    it("cancelling a running job fires the handler's signal and frees the worker slot", async () => {
      const reasons: unknown[] = [];
      const slow = testTask("slow", waitForAbort(reasons));
      const quick = testTask("quick", () => "done");
      const engine = startEngine(h, [slow, quick]);
      const { job } = await engine.queue.enqueue(slow, { n: 1 }, { tenantId: TENANT });
      const worker = engine.worker({ concurrency: 1 });
      await engine.until(job.id, "running");
      const cancelled = await engine.queue.cancel(TENANT, job.id);
      expect(cancelled.status).toBe("cancelled");
      await eventually(() => expect(reasons).toHaveLength(1));
      expect(reasons[0]).toMatchObject({ name: "AbortError", reason: "cancelled" });
      const { job: next } = await engine.queue.enqueue(quick, { n: 2 }, { tenantId: TENANT });
      await engine.until(next.id, "complete");
      await eventually(() => expect(worker.active).toBe(0));
      expect((await engine.queue.get(TENANT, job.id)).status).toBe("cancelled");
    });

    it("a cancelled pending job never runs", async () => {
      let ran = false;
      const task = testTask("never", () => {
        ran = true;
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT, delayMs: 500 });
      await engine.queue.cancel(TENANT, job.id);
      engine.worker();
      await engine.clock.advance(1000);
      expect(ran).toBe(false);
      expect((await engine.queue.get(TENANT, job.id)).status).toBe("cancelled");
    });

    it("an attempt that runs past timeoutMs is aborted and fails with code timeout", async () => {
      const reasons: unknown[] = [];
      const task = testTask("stuck", waitForAbort(reasons), { timeoutMs: 2000, retries: 0 });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker();
      await engine.until(job.id, "running");
      await engine.clock.advance(1999);
      expect(reasons).toEqual([]);
      await engine.clock.advance(1);
      const failed = await engine.until(job.id, "failed");
      expect(failed.error?.code).toBe("timeout");
      expect(failed.error?.message).toContain("2 s");
      expect(reasons[0]).toMatchObject({ reason: "timeout" });
    });

    it("a job whose worker died is reclaimed after its lease expires and run by another worker", async () => {
      const task = testTask("survivor", (ctx) => ({ attempt: ctx.attempt }), { retries: 2 });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      // A worker that claims and then dies: it never heartbeats or completes.
      const [dead] = await h.store.claim({
        workerId: "dead-worker",
        limit: 1,
        leaseMs: 5000,
        now: engine.clock.now(),
        types: [task.name],
      });
      expect(dead?.id).toBe(job.id);
      const events: string[] = [];
      h.defer(engine.queue.subscribe(job.id, (e) => events.push(e.kind)));
      engine.worker({ leaseMs: 5000, reclaimIntervalMs: 500 });
      await engine.clock.advance(4500);
      expect(await engine.queue.get(TENANT, job.id)).toMatchObject({
        status: "running",
        leaseOwner: "dead-worker",
      });
      const done = await engine.advanceUntil(async () => {
        const current = await engine.queue.get(TENANT, job.id);
        expect(current.status).toBe("complete");
        return current;
      }, 500);
      expect(done).toMatchObject({ attempts: 2, result: { attempt: 2 } });
      await eventually(() => expect(events).toContain("retrying"));
      expect(await h.store.complete(leaseOf(dead!), null, engine.clock.now(), 1000)).toBe(false);
    });

    it("a reclaimed job after its last attempt fails with 'The worker stopped responding...'", async () => {
      const task = testTask("last_chance", () => null, { retries: 0 });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      await h.store.claim({
        workerId: "dead",
        limit: 1,
        leaseMs: 5000,
        now: engine.clock.now(),
        types: [task.name],
      });
      engine.worker({ leaseMs: 5000, reclaimIntervalMs: 500 });
      await engine.clock.advance(4500);
      const failed = await engine.advanceUntil(async () => {
        const current = await engine.queue.get(TENANT, job.id);
        expect(current.status).toBe("failed");
        return current;
      }, 500);
      expect(failed.error?.code).toBe("lease_expired");
      expect(failed.error?.message).toMatch(/^The worker stopped responding/);
      expect(failed.attempts).toBe(1);
    });

    it("heartbeats keep a long job's lease alive far past leaseMs", async () => {
      const hold = gate();
      const task = testTask("long", () => hold.promise);
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker({ leaseMs: 3000, heartbeatMs: 1000, reclaimIntervalMs: 1000 });
      const running = await engine.until(job.id, "running");
      for (let i = 0; i < 10; i++) {
        await engine.clock.advance(1000);
        // Wait for this round's heartbeat to land before time moves on.
        await eventually(async () =>
          expect((await engine.queue.get(TENANT, job.id)).leaseExpiresAt).toBe(engine.clock.now() + 3000),
        );
      }
      expect(await engine.queue.get(TENANT, job.id)).toMatchObject({
        status: "running",
        attempts: 1,
        leaseOwner: running.leaseOwner,
      });
      hold.open();
      await engine.until(job.id, "complete");
    });

    it("a worker whose lease was taken over aborts its handler and never writes again", async () => {
      const reasons: unknown[] = [];
      const task = testTask("overtaken", waitForAbort(reasons), { retries: 2 });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker({ leaseMs: 3000, heartbeatMs: 1000, reclaimIntervalMs: 60_000 });
      const running = await engine.until(job.id, "running");
      // Another process reclaims it (its clock ran ahead) and a second worker claims it.
      const later = engine.clock.now() + 10_000;
      await h.store.reclaimExpiredLeases(later, 60_000, () => later);
      const [taken] = await h.store.claim({
        workerId: "other",
        limit: 1,
        leaseMs: 60_000,
        now: later,
        types: [task.name],
      });
      expect(taken?.attempts).toBe(2);
      await engine.clock.advance(1000);
      await eventually(() => expect(reasons[0]).toMatchObject({ reason: "lease_lost" }));
      expect(await engine.queue.get(TENANT, job.id)).toMatchObject({
        status: "running",
        leaseOwner: "other",
      });
      expect(running.leaseOwner).not.toBe("other");
    });

    it("graceful shutdown lets running jobs finish within the grace period", async () => {
      const hold = gate();
      const task = testTask("finishing", async () => {
        await hold.promise;
        return "finished";
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      const worker = engine.worker();
      await engine.until(job.id, "running");
      const stopped = worker.stop();
      await engine.clock.advance(GRACE_MS / 2);
      hold.open();
      await stopped;
      expect((await engine.queue.get(TENANT, job.id)).result).toBe("finished");
    });

    it("graceful shutdown aborts and releases what is still running after the grace period", async () => {
      const reasons: unknown[] = [];
      const task = testTask("unfinished", waitForAbort(reasons), { retries: 1 });
      const engine = startEngine(h, [task]);
      const jobs = await engine.queue.enqueueMany(task, [{ n: 1 }, { n: 2 }], { tenantId: TENANT });
      const worker = engine.worker();
      for (const { job } of jobs) await engine.until(job.id, "running");
      const stopped = worker.stop();
      await engine.clock.advance(GRACE_MS - 1);
      expect(reasons).toEqual([]);
      await engine.clock.advance(1);
      await stopped;
      expect(reasons).toHaveLength(2);
      expect(reasons[0]).toMatchObject({ reason: "shutdown" });
      for (const { job } of jobs) {
        expect(await engine.queue.get(TENANT, job.id)).toMatchObject({
          status: "pending",
          attempts: 0,
          leaseOwner: null,
        });
      }
      expect(worker.active).toBe(0);
    });

    it("a failed job retried by hand runs again with a fresh attempt budget", async () => {
      let calls = 0;
      const task = testTask("second_time_lucky", () => {
        calls += 1;
        if (calls === 1) throw new Error("first run fails");
        return { calls };
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker();
      await engine.until(job.id, "failed");
      const retried = await engine.queue.retry(TENANT, job.id);
      expect(retried).toMatchObject({ status: "pending", attempts: 0, error: null });
      const done = await engine.until(job.id, "complete");
      expect(done).toMatchObject({ attempts: 1, result: { calls: 2 } });
    });

    it("deleting a running job is a conflict; deleting a finished one works", async () => {
      const hold = gate();
      const task = testTask("deletable", () => hold.promise);
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker();
      await engine.until(job.id, "running");
      await expect(engine.queue.delete(TENANT, job.id)).rejects.toMatchObject({ code: "conflict" });
      hold.open();
      await engine.until(job.id, "complete");
      await engine.queue.delete(TENANT, job.id);
      await expect(engine.queue.get(TENANT, job.id)).rejects.toMatchObject({ code: "not_found" });
    });
  });
}
