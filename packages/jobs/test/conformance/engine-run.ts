import { describe, expect, it } from "vitest";
import { RetryAfterError, UnrecoverableError } from "../../src/errors.js";
import { waitForJob } from "../../src/testing/wait-for-job.js";
import { gate, startEngine, testTask } from "./engine-harness.js";
import { eventually, newJob, OTHER_TENANT, type StoreHarness, TENANT } from "./harness.js";

export function engineRunTests(h: StoreHarness): void {
  describe("engine: running jobs", () => {
    it("runs a job to complete with its result; progress is visible while it runs, 100 at the end", async () => {
      const step = gate();
      const task = testTask("categorize", async (ctx) => {
        ctx.progress(10, "Fetching transactions...");
        await step.promise;
        ctx.progress(95, "Committing to database...");
        return { journal_entries_created: ctx.input.n };
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 3 }, { tenantId: TENANT });
      engine.worker();
      await engine.until(job.id, "running", (j) => {
        expect(j.progress).toBe(10);
        expect(j.message).toBe("Fetching transactions...");
      });
      step.open();
      const done = await waitForJob(engine.queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
      expect(done).toMatchObject({
        status: "complete",
        progress: 100,
        message: "Committing to database...",
        result: { journal_entries_created: 3 },
        error: null,
        attempts: 1,
      });
    });

    it("the last message reported just before returning is visible after completion", async () => {
      const task = testTask("import", (ctx) => {
        // Within the coalescing window: only the first is written while running, the last goes with the completion.
        ctx.progress(10, "Parsing CSV...");
        ctx.progress(60, "Categorizing...");
        ctx.progress(100, `Imported ${ctx.input.n} transactions.`);
        return ctx.input.n;
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 6 }, { tenantId: TENANT });
      engine.worker();
      const done = await waitForJob(engine.queue, { tenantId: TENANT, jobId: job.id, status: "complete" });
      expect(done).toMatchObject({ progress: 100, message: "Imported 6 transactions.", result: 6 });
    });

    it("a failed job keeps the last progress and message it reported", async () => {
      const task = testTask("fails_late", (ctx) => {
        ctx.progress(10, "Parsing CSV...");
        ctx.progress(70, "Row 700 of 1000");
        throw new UnrecoverableError("Row 701 has no date.");
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker();
      const done = await waitForJob(engine.queue, { tenantId: TENANT, jobId: job.id, status: "failed" });
      expect(done).toMatchObject({ progress: 70, message: "Row 700 of 1000" });
    });

    it("several workers sharing the store run every job exactly once", async () => {
      const runs: string[] = [];
      const task = testTask("shared", (ctx) => {
        runs.push(ctx.jobId);
        return ctx.input.n;
      });
      const engine = startEngine(h, [task]);
      const results = await engine.queue.enqueueMany(
        task,
        Array.from({ length: 40 }, (_, n) => ({ n })),
        { tenantId: TENANT },
      );
      engine.worker({ concurrency: 3 });
      engine.worker({ concurrency: 3 });
      engine.worker({ concurrency: 3 });
      for (const { job } of results) await engine.until(job.id, "complete");
      expect(runs).toHaveLength(40);
      expect(new Set(runs).size).toBe(40);
    });

    it("progress never goes down within an attempt and is clamped to 0–100", async () => {
      let release!: () => void;
      const task = testTask("progress", async (ctx) => {
        ctx.progress(150, "too far");
        ctx.progress(40, "lower is ignored");
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker();
      await engine.until(job.id, "running", (j) => expect(j.progress).toBe(100));
      await engine.clock.advance(1000);
      expect((await engine.queue.get(TENANT, job.id)).progress).toBe(100);
      release();
      await engine.until(job.id, "complete");
    });

    it("retries a failing job with exponential backoff in fake time, then fails with the last error", async () => {
      const task = testTask(
        "flaky",
        (ctx) => {
          throw new Error(`Bank API returned 502 (attempt ${ctx.attempt})`);
        },
        { retries: 2 },
      );
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      const enqueuedAt = engine.clock.now();
      engine.worker();
      const first = await engine.until(job.id, "pending", (j) => expect(j.attempts).toBe(1));
      expect(first.runAt).toBe(enqueuedAt + 1000);
      expect(first.error).toEqual({ code: "handler_error", message: "Bank API returned 502 (attempt 1)" });

      await engine.clock.advance(900);
      expect(await engine.queue.get(TENANT, job.id)).toMatchObject({ status: "pending", attempts: 1 });
      await engine.clock.advance(100);
      const second = await engine.until(job.id, "pending", (j) => expect(j.attempts).toBe(2));
      expect(second.runAt).toBe(enqueuedAt + 1000 + 2000);

      await engine.clock.advance(1900);
      expect((await engine.queue.get(TENANT, job.id)).attempts).toBe(2);
      await engine.clock.advance(100);
      const failed = await engine.until(job.id, "failed");
      expect(failed.attempts).toBe(3);
      expect(failed.error).toEqual({
        code: "handler_error",
        message: "Bank API returned 502 (attempt 3) (gave up after 3 attempts)",
      });
      expect(failed.expiresAt).toBe(failed.finishedAt! + 60 * 60 * 1000);
    });

    it("an UnrecoverableError fails the job at once, whatever retries remain", async () => {
      const task = testTask(
        "bad_file",
        () => {
          throw new UnrecoverableError("The file is not a CSV. Upload a .csv export from your bank.");
        },
        { retries: 5 },
      );
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker();
      const failed = await engine.until(job.id, "failed");
      expect(failed.attempts).toBe(1);
      expect(failed.error).toEqual({
        code: "unrecoverable",
        message: "The file is not a CSV. Upload a .csv export from your bank.",
      });
    });

    it("a RetryAfterError retries after the given delay instead of the backoff", async () => {
      const task = testTask(
        "rate_limited",
        (ctx) => {
          if (ctx.attempt === 1) throw new RetryAfterError(5000, "LLM rate limit; retrying");
          return { ok: true };
        },
        { retries: 1 },
      );
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      const t = engine.clock.now();
      engine.worker();
      const waiting = await engine.until(job.id, "pending", (j) => expect(j.attempts).toBe(1));
      expect(waiting.runAt).toBe(t + 5000);
      await engine.clock.advance(5000);
      await engine.until(job.id, "complete", (j) => expect(j.attempts).toBe(2));
    });

    it("a job whose stored input no longer validates fails without retrying, saying which field", async () => {
      const task = testTask("strict", () => null, { retries: 3 });
      const engine = startEngine(h, [task]);
      const { job } = await h.store.enqueue(
        newJob({
          type: "strict",
          input: { n: "not a number" },
          now: engine.clock.now(),
          runAt: engine.clock.now(),
        }),
      );
      engine.worker();
      const failed = await engine.until(job.id, "failed");
      expect(failed.attempts).toBe(1);
      expect(failed.error?.code).toBe("invalid_input");
      expect(failed.error?.message).toContain("n:");
    });

    it("enqueue validates the input and names the task; unknown tasks are refused", async () => {
      const task = testTask("typed", () => null);
      const engine = startEngine(h, [task]);
      await expect(engine.queue.enqueue(task, { n: 1.5 }, { tenantId: TENANT })).rejects.toMatchObject({
        code: "invalid_input",
      });
      await expect(engine.queue.enqueue("nope", { n: 1 }, { tenantId: TENANT })).rejects.toMatchObject({
        code: "unknown_task",
      });
      expect((await engine.queue.list({ tenantId: TENANT })).jobs).toEqual([]);
    });

    it("a delayed job is not run before its delay has passed", async () => {
      const task = testTask("later", () => ({ ran: true }));
      const engine = startEngine(h, [task]);
      engine.worker();
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT, delayMs: 3000 });
      await engine.clock.advance(2900);
      expect((await engine.queue.get(TENANT, job.id)).status).toBe("pending");
      await engine.clock.advance(100);
      await engine.until(job.id, "complete");
    });

    it("a task's dedupe key returns the running job, and is free again once it completes", async () => {
      const hold = gate();
      const task = testTask("per_company", () => hold.promise, { dedupe: true });
      const engine = startEngine(h, [task]);
      const first = await engine.queue.enqueue(task, { n: 7 }, { tenantId: TENANT });
      engine.worker();
      await engine.until(first.job.id, "running");
      const second = await engine.queue.enqueue(task, { n: 7 }, { tenantId: TENANT });
      expect(second).toMatchObject({ created: false, job: { id: first.job.id } });
      hold.open();
      await engine.until(first.job.id, "complete");
      const third = await engine.queue.enqueue(task, { n: 7 }, { tenantId: TENANT });
      expect(third.created).toBe(true);
      await engine.until(third.job.id, "complete");
    });

    it("the queue reports unknown and other tenants' jobs as not_found", async () => {
      const task = testTask("any", () => null);
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      for (const call of [
        () => engine.queue.get(OTHER_TENANT, job.id),
        () => engine.queue.get(TENANT, "job_unknown00000000000000"),
        () => engine.queue.cancel(OTHER_TENANT, job.id),
        () => engine.queue.retry(OTHER_TENANT, job.id),
        () => engine.queue.delete(OTHER_TENANT, job.id),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: "not_found" });
      }
    });

    it("subscribers of one job get its events", async () => {
      const task = testTask("watched", (ctx) => {
        ctx.progress(50, "Halfway");
        return 1;
      });
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      const kinds: string[] = [];
      h.defer(engine.queue.subscribe(job.id, (e) => kinds.push(e.kind)));
      engine.worker();
      await eventually(() => expect(kinds).toEqual(["started", "progress", "completed"]));
    });
  });
}
