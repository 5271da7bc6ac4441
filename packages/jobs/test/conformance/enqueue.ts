import { describe, expect, it } from "vitest";
import { toWireJob } from "../../src/client/wire.js";
import { newJob, OTHER_TENANT, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

export function enqueueAndReadTests(h: StoreHarness): void {
  describe("enqueue and read", () => {
    it("stores a new job as pending with progress 0 and reads it back unchanged", async () => {
      const input = { company_id: 7, nested: { list: [1, "two", null, true] } };
      const { job, created } = await h.store.enqueue(newJob({ input, maxAttempts: 4, runAt: T0 + 5 }));
      expect(created).toBe(true);
      expect(job).toMatchObject({
        tenantId: TENANT,
        type: TYPE,
        status: "pending",
        progress: 0,
        message: null,
        input,
        result: null,
        error: null,
        attempts: 0,
        maxAttempts: 4,
        runAt: T0 + 5,
        leaseOwner: null,
        leaseExpiresAt: null,
        idempotencyKey: null,
        dedupeKey: null,
        createdAt: T0,
        startedAt: null,
        finishedAt: null,
        expiresAt: null,
      });
      expect(await h.store.get(TENANT, job.id)).toEqual(job);
      expect(await h.store.get(null, job.id)).toEqual(job);
    });

    it("gives the seed's wire shape through toWireJob", async () => {
      const { job } = await h.store.enqueue(newJob());
      const wire = toWireJob((await h.store.get(TENANT, job.id))!);
      expect(wire).toEqual({
        id: job.id,
        type: TYPE,
        status: "pending",
        progress: 0,
        message: null,
        result: null,
        error: null,
        attempts: 0,
        max_attempts: 3,
        input: { n: 1 },
        created_at: new Date(T0).toISOString(),
        updated_at: new Date(T0).toISOString(),
        run_at: new Date(T0).toISOString(),
        started_at: null,
        finished_at: null,
        expires_at: null,
      });
    });

    it("returns null for an unknown id and for another tenant's job", async () => {
      const { job } = await h.store.enqueue(newJob());
      expect(await h.store.get(TENANT, "job_doesNotExist0000000000")).toBeNull();
      expect(await h.store.get(OTHER_TENANT, job.id)).toBeNull();
      expect(await h.store.get(null, "job_doesNotExist0000000000")).toBeNull();
    });

    it("enqueues many jobs in one call, in order", async () => {
      const jobs = [newJob({ input: { i: 0 } }), newJob({ input: { i: 1 } }), newJob({ input: { i: 2 } })];
      const results = await h.store.enqueueMany(jobs);
      expect(results.map((r) => r.job.id)).toEqual(jobs.map((j) => j.id));
      expect(results.every((r) => r.created)).toBe(true);
      for (const job of jobs) expect((await h.store.get(TENANT, job.id))?.input).toEqual(job.input);
    });
  });
}
