import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { httpStatusFor, JOBS_ERROR_CODES, JobsError } from "../src/errors.js";
import { newJobId } from "../src/ids.js";
import { createMemoryStore } from "../src/memory/index.js";
import { createQueue } from "../src/queue.js";
import { defineTask } from "../src/task.js";
import { createFakeClock } from "../src/testing/fake-clock.js";
import { waitForJob } from "../src/testing/wait-for-job.js";
import type { JobStore } from "../src/types.js";

const categorize = defineTask({
  name: "categorize_transactions",
  input: z.object({ company_id: z.number().int().positive(), limit: z.number().int().default(100) }),
  retries: 2,
  dedupeKey: (input) => `company:${input.company_id}`,
  handler: async (ctx) => {
    expectTypeOf(ctx.input).toEqualTypeOf<{ company_id: number; limit: number }>();
    return { journal_entries_created: 0 };
  },
});

function setup(store: JobStore = createMemoryStore()) {
  const clock = createFakeClock(1_000_000);
  let n = 0;
  const queue = createQueue({
    store,
    tasks: [categorize],
    clock,
    newId: () => `job_test${++n}`,
    retentionMs: 5000,
  });
  return { clock, queue };
}

describe("job ids", () => {
  it("are job_ + 22 URL-safe characters (128 random bits) and do not repeat", () => {
    const ids = Array.from({ length: 2000 }, () => newJobId());
    for (const id of ids) expect(id).toMatch(/^job_[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("errors", () => {
  it("map every code to an HTTP status", () => {
    expect(Object.fromEntries(JOBS_ERROR_CODES.map((code) => [code, httpStatusFor(code)]))).toEqual({
      not_found: 404,
      invalid_input: 400,
      conflict: 409,
      illegal_transition: 409,
      unknown_task: 400,
      store_unavailable: 503,
      timeout: 504,
    });
  });
});

describe("defineTask", () => {
  it("refuses a bad name, a missing schema and negative retries with a message that says what to do", () => {
    const input = z.object({});
    expect(() => defineTask({ name: "has space", input, handler: () => null })).toThrow(/not valid/);
    expect(() => defineTask({ name: "ok", input: {} as never, handler: () => null })).toThrow(
      /Standard Schema/,
    );
    expect(() => defineTask({ name: "ok", input, retries: -1, handler: () => null })).toThrow(/retries/);
  });
});

describe("queue", () => {
  it("enqueue creates a pending job with the injected id, clock and the task's attempt budget", async () => {
    const { queue, clock } = setup();
    const { job, created } = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t" });
    expect(created).toBe(true);
    expect(job).toMatchObject({
      id: "job_test1",
      type: "categorize_transactions",
      status: "pending",
      progress: 0,
      maxAttempts: 3,
      createdAt: clock.now(),
      runAt: clock.now(),
      dedupeKey: "company:1",
    });
  });

  it("accepts the task's name as well as the task", async () => {
    const { queue } = setup();
    const { job } = await queue.enqueue("categorize_transactions", { company_id: 2 }, { tenantId: "t" });
    expect(job.type).toBe("categorize_transactions");
  });

  it("invalid input is a JobsError naming each bad field", async () => {
    const { queue } = setup();
    const error = await queue
      .enqueue(categorize, { company_id: -1 } as never, { tenantId: "t" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(JobsError);
    expect(error.code).toBe("invalid_input");
    expect(error.issues).toEqual([{ path: "company_id", message: expect.any(String) }]);
    expect(error.message).toContain("categorize_transactions");
  });

  it("an explicit dedupeKey overrides the task's, and null turns it off", async () => {
    const { queue } = setup();
    const a = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t", dedupeKey: null });
    const b = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t", dedupeKey: null });
    expect(b.job.id).not.toBe(a.job.id);
    const c = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t", dedupeKey: "mine" });
    expect(c.job.dedupeKey).toBe("mine");
  });

  it("enqueueMany validates every input before storing any", async () => {
    const { queue } = setup();
    await expect(
      queue.enqueueMany(categorize, [{ company_id: 1 }, { company_id: 0 }], { tenantId: "t" }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    expect((await queue.list({ tenantId: "t" })).jobs).toEqual([]);
  });

  it("enqueueMany with an idempotency key returns the same jobs when the bulk request is repeated", async () => {
    const { queue } = setup();
    const inputs = [{ company_id: 1 }, { company_id: 2 }];
    const first = await queue.enqueueMany(categorize, inputs, { tenantId: "t", idempotencyKey: "upload-9" });
    const again = await queue.enqueueMany(categorize, inputs, { tenantId: "t", idempotencyKey: "upload-9" });
    expect(first.map((r) => r.created)).toEqual([true, true]);
    expect(again.map((r) => r.created)).toEqual([false, false]);
    expect(again.map((r) => r.job.id)).toEqual(first.map((r) => r.job.id));
  });

  it("a store that throws is reported as store_unavailable, with the cause kept", async () => {
    const broken = createMemoryStore();
    broken.get = async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    };
    const { queue } = setup(broken);
    const error = await queue.get("t", "job_x").catch((e) => e);
    expect(error).toMatchObject({ code: "store_unavailable" });
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("registering two tasks with one name is refused", () => {
    expect(() => createQueue({ store: createMemoryStore(), tasks: [categorize, categorize] })).toThrow(
      /twice/,
    );
  });

  it("onEvent and subscribe stop delivering after their unsubscribe", async () => {
    const { queue } = setup();
    const all: string[] = [];
    const one: string[] = [];
    const offAll = queue.onEvent((e) => all.push(e.jobId));
    const { job } = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t" });
    const offOne = queue.subscribe(job.id, (e) => one.push(e.kind));
    await queue.cancel("t", job.id);
    offAll();
    offOne();
    await queue.retry("t", job.id);
    expect(all).toEqual([job.id, job.id]);
    expect(one).toEqual(["cancelled"]);
  });
});

describe("waitForJob", () => {
  it("rejects at once when the job ends in another terminal status, quoting its error", async () => {
    const { queue } = setup();
    const { job } = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t" });
    const waiting = waitForJob(queue, { tenantId: "t", jobId: job.id, status: "complete" });
    await queue.cancel("t", job.id);
    await expect(waiting).rejects.toThrow(/ended cancelled instead of complete/);
  });

  it("times out with JobsError timeout saying where the job is", async () => {
    const { queue } = setup();
    const { job } = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t" });
    const error = await waitForJob(queue, {
      tenantId: "t",
      jobId: job.id,
      status: "complete",
      timeoutMs: 30,
    }).catch((e) => e);
    expect(error).toMatchObject({ code: "timeout" });
    expect(error.message).toContain("still pending");
  });

  it("accepts several statuses", async () => {
    const { queue } = setup();
    const { job } = await queue.enqueue(categorize, { company_id: 1 }, { tenantId: "t" });
    await queue.cancel("t", job.id);
    const done = await waitForJob(queue, { tenantId: "t", jobId: job.id, status: ["failed", "cancelled"] });
    expect(done.status).toBe("cancelled");
  });
});
