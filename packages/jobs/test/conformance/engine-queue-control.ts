import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RetryAfterError } from "../../src/errors.js";
import { createQueue } from "../../src/queue.js";
import { fireDueSchedules } from "../../src/schedules.js";
import { defineTask } from "../../src/task.js";
import { createFakeClock } from "../../src/testing/fake-clock.js";
import { waitForJob } from "../../src/testing/wait-for-job.js";
import { createWorker } from "../../src/worker/pool.js";
import { silentLogger, startEngine } from "./engine-harness.js";
import { eventually, type StoreHarness, TENANT } from "./harness.js";

const keyed = z.object({ company: z.number().int(), n: z.number().int() });
const MINUTE = 60_000;

/** Counts handlers running at once per key, and the most ever seen. */
function concurrencyProbe() {
  const now = new Map<string, number>();
  const max = new Map<string, number>();
  return {
    max,
    async during(key: string, work: () => Promise<void>) {
      const n = (now.get(key) ?? 0) + 1;
      now.set(key, n);
      max.set(key, Math.max(max.get(key) ?? 0, n));
      try {
        await work();
      } finally {
        now.set(key, (now.get(key) ?? 1) - 1);
      }
    },
  };
}

const realDelay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function engineQueueControlTests(h: StoreHarness): void {
  describe("engine: queue control", () => {
    it("a concurrency key is never exceeded by three workers racing, and every job still runs", async () => {
      const probe = concurrencyProbe();
      const task = defineTask({
        name: "llm_call",
        input: keyed,
        retries: 0,
        concurrency: { limit: 2, key: (input) => `company:${input.company}` },
        handler: async ({ input }) => {
          await probe.during(`company:${input.company}`, () => realDelay(5));
          return null;
        },
      });
      const engine = startEngine(h, [task]);
      const jobs = await engine.queue.enqueueMany(
        task,
        Array.from({ length: 16 }, (_, n) => ({ company: n % 2, n })),
        { tenantId: TENANT },
      );
      expect(jobs[0]?.job.concurrencyKey).toBe("company:0");
      for (let i = 0; i < 3; i++) engine.worker({ concurrency: 4, pollIntervalMs: 20 });
      for (const { job } of jobs) {
        await engine.advanceUntil(
          async () => {
            const current = await engine.queue.get(TENANT, job.id);
            if (current.status !== "complete") throw new Error(`${job.id} is ${current.status}`);
          },
          20,
          400,
        );
      }
      expect(probe.max.get("company:0")).toBeLessThanOrEqual(2);
      expect(probe.max.get("company:1")).toBeLessThanOrEqual(2);
    });

    it("a rate limit holds jobs pending without using an attempt, and starts them as the window allows", async () => {
      const task = defineTask({
        name: "provider_call",
        input: keyed,
        retries: 0,
        rateLimit: { max: 2, perMs: 1000 },
        handler: () => null,
      });
      const engine = startEngine(h, [task]);
      const jobs = await engine.queue.enqueueMany(
        task,
        Array.from({ length: 5 }, (_, n) => ({ company: 1, n })),
        { tenantId: TENANT },
      );
      engine.worker({ concurrency: 5, pollIntervalMs: 50 });
      const statuses = async () =>
        Promise.all(jobs.map(async ({ job }) => (await engine.queue.get(TENANT, job.id)).status));
      await eventually(async () => {
        expect((await statuses()).filter((s) => s === "complete")).toHaveLength(2);
      });
      await engine.clock.advance(200);
      expect((await statuses()).filter((s) => s === "complete")).toHaveLength(2);
      for (const { job } of jobs) {
        const current = await engine.queue.get(TENANT, job.id);
        if (current.status === "pending") expect(current.attempts).toBe(0);
      }
      await engine.advanceUntil(
        async () => {
          expect((await statuses()).filter((s) => s === "complete")).toHaveLength(4);
        },
        100,
        40,
      );
      await engine.advanceUntil(
        async () => {
          expect((await statuses()).filter((s) => s === "complete")).toHaveLength(5);
        },
        100,
        40,
      );
    });

    it("RetryAfterError blocks the job's rate bucket: no other job of that key starts before the delay", async () => {
      let calls = 0;
      const task = defineTask({
        name: "provider_429",
        input: keyed,
        retries: 1,
        rateLimit: { max: 100, perMs: 1000, key: (input) => `provider:${input.company}` },
        handler: () => {
          calls += 1;
          if (calls === 1) throw new RetryAfterError(30_000, "429 Too Many Requests");
          return null;
        },
      });
      const engine = startEngine(h, [task]);
      const { job: first } = await engine.queue.enqueue(task, { company: 1, n: 0 }, { tenantId: TENANT });
      engine.worker({ concurrency: 1, pollIntervalMs: 50 });
      await engine.until(first.id, "pending", (j) => expect(j.attempts).toBe(1));
      const { job: second } = await engine.queue.enqueue(task, { company: 1, n: 1 }, { tenantId: TENANT });
      const { job: otherKey } = await engine.queue.enqueue(task, { company: 2, n: 2 }, { tenantId: TENANT });
      await waitForJob(engine.queue, { tenantId: TENANT, jobId: otherKey.id, status: "complete" });
      await engine.clock.advance(5_000);
      expect((await engine.queue.get(TENANT, second.id)).status).toBe("pending");
      await engine.advanceUntil(
        async () => {
          expect((await engine.queue.get(TENANT, second.id)).status).toBe("complete");
          expect((await engine.queue.get(TENANT, first.id)).status).toBe("complete");
        },
        1_000,
        60,
      );
    });

    it("takes the priority from the enqueue, else from the task, else 0; refuses a bad one naming the value", async () => {
      const task = defineTask({ name: "prioritised", input: keyed, priority: 7, handler: () => null });
      const plain = defineTask({ name: "plain", input: keyed, handler: () => null });
      const engine = startEngine(h, [task, plain]);
      const input = { company: 1, n: 1 };
      expect((await engine.queue.enqueue(task, input, { tenantId: TENANT })).job.priority).toBe(7);
      expect((await engine.queue.enqueue(task, input, { tenantId: TENANT, priority: 9 })).job.priority).toBe(
        9,
      );
      expect((await engine.queue.enqueue(plain, input, { tenantId: TENANT })).job.priority).toBe(0);
      await expect(engine.queue.enqueue(plain, input, { tenantId: TENANT, priority: -1 })).rejects.toThrow(
        /priority must be a whole number from 0 to 1000.*-1/,
      );
      await expect(engine.queue.enqueue(plain, input, { tenantId: TENANT, priority: 1.5 })).rejects.toThrow(
        /1\.5/,
      );
    });
  });

  describe("engine: schedules", () => {
    const nightly = defineTask({
      name: "nightly",
      input: z.object({ company_id: z.number() }),
      handler: () => null,
    });

    it("three processes firing one schedule at once create exactly one job per fire time", async () => {
      const clock = createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 30));
      const queues = [0, 1, 2].map(() =>
        createQueue({ store: h.store, tasks: [nightly], clock, retentionMs: 24 * 60 * MINUTE }),
      );
      await (queues[0] as (typeof queues)[0]).schedule("every-minute", {
        task: "nightly",
        cron: "* * * * *",
        input: { company_id: 1 },
        tenantId: TENANT,
      });
      for (let minute = 1; minute <= 3; minute++) {
        clock.set(Date.UTC(2026, 0, 1, 0, minute, 0, 5));
        const created = await Promise.all(queues.map((queue) => fireDueSchedules(queue)));
        expect(created.reduce((a, b) => a + b, 0)).toBe(1);
      }
      const page = await h.store.list({ tenantId: TENANT, type: "nightly" });
      expect(page.jobs).toHaveLength(3);
      expect(new Set(page.jobs.map((j) => j.idempotencyKey)).size).toBe(3);
      expect(page.jobs.map((j) => j.input)).toEqual([
        { company_id: 1 },
        { company_id: 1 },
        { company_id: 1 },
      ]);
    });

    it("a process that was down for several fire times enqueues only the last one", async () => {
      const clock = createFakeClock(Date.UTC(2026, 0, 1, 2, 0, 0));
      const queue = createQueue({ store: h.store, tasks: [nightly], clock });
      await queue.schedule("hourly", {
        task: "nightly",
        cron: "0 * * * *",
        input: { company_id: 1 },
        tenantId: TENANT,
      });
      clock.set(Date.UTC(2026, 0, 1, 7, 30, 0));
      expect(await fireDueSchedules(queue)).toBe(1);
      expect(await fireDueSchedules(queue)).toBe(0);
      const [job] = (await h.store.list({ tenantId: TENANT, type: "nightly" })).jobs;
      expect(job?.idempotencyKey).toBe("schedule:hourly:2026-01-01T07:00:00.000Z");
    });

    it("reads the cron in the schedule's time zone and shows the next fire time", async () => {
      const clock = createFakeClock(Date.UTC(2026, 6, 1, 0, 0, 0));
      const queue = createQueue({ store: h.store, tasks: [nightly], clock });
      const info = await queue.schedule("paris-3am", {
        task: "nightly",
        cron: "0 3 * * *",
        timezone: "Europe/Paris",
        input: { company_id: 1 },
        tenantId: TENANT,
      });
      // 03:00 in Paris in July (UTC+2) is 01:00 UTC.
      expect(info.nextFireAt).toBe(Date.UTC(2026, 6, 1, 1, 0, 0));
      expect((await queue.schedules()).map((s) => [s.name, s.nextFireAt])).toEqual([
        ["paris-3am", Date.UTC(2026, 6, 1, 1, 0, 0)],
      ]);
    });

    it("a paused schedule does not fire, and resuming does not catch up what it missed", async () => {
      const clock = createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 30));
      const queue = createQueue({ store: h.store, tasks: [nightly], clock });
      await queue.schedule("m", {
        task: "nightly",
        cron: "* * * * *",
        input: { company_id: 1 },
        tenantId: TENANT,
      });
      expect((await queue.setSchedulePaused("m", true)).nextFireAt).toBeNull();
      clock.set(Date.UTC(2026, 0, 1, 0, 5, 1));
      expect(await fireDueSchedules(queue)).toBe(0);
      await queue.setSchedulePaused("m", false);
      expect(await fireDueSchedules(queue)).toBe(0);
      clock.set(Date.UTC(2026, 0, 1, 0, 6, 1));
      expect(await fireDueSchedules(queue)).toBe(1);
      await expect(queue.setSchedulePaused("missing", true)).rejects.toThrow(/not found/);
    });

    it("a worker fires schedules on its own, and unschedule stops them", async () => {
      const clock = createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 50));
      const queue = createQueue({ store: h.store, tasks: [nightly], clock });
      await queue.schedule("w", {
        task: "nightly",
        cron: "* * * * *",
        input: { company_id: 3 },
        tenantId: TENANT,
      });
      const worker = createWorker(queue, {
        logger: silentLogger,
        pollIntervalMs: 100,
        scheduleIntervalMs: 1000,
      });
      h.defer(() => worker.stop());
      worker.start();
      // Step by step with real pauses: a tick whose store call is still in flight skips the next one.
      for (let step = 0; step < 60; step++) {
        const page = await h.store.list({ tenantId: TENANT, type: "nightly", status: "complete" });
        if (page.jobs.length > 0) break;
        await clock.advance(1000);
        await realDelay(10);
      }
      expect(
        (await h.store.list({ tenantId: TENANT, type: "nightly", status: "complete" })).jobs,
      ).toHaveLength(1);
      expect(await queue.unschedule("w")).toBe(true);
      expect(await queue.unschedule("w")).toBe(false);
      await clock.advance(61_000);
      expect((await h.store.list({ tenantId: TENANT, type: "nightly" })).jobs).toHaveLength(1);
    });

    it("refuses an invalid cron, an unknown time zone or task, naming the field and the value", async () => {
      const queue = createQueue({ store: h.store, tasks: [nightly] });
      const base = { task: "nightly", cron: "0 3 * * *", input: { company_id: 1 }, tenantId: TENANT };
      await expect(queue.schedule("x", { ...base, cron: "61 * * * *" })).rejects.toThrow(
        /cron "61 \* \* \* \*"/,
      );
      await expect(queue.schedule("x", { ...base, timezone: "Mars/Olympus" })).rejects.toThrow(
        /timezone "Mars\/Olympus"/,
      );
      await expect(queue.schedule("x", { ...base, task: "nope" })).rejects.toThrow(/task "nope"/);
      expect(await queue.schedules()).toEqual([]);
    });
  });
}
