import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JobsError } from "../src/errors.js";
import { createMemoryStore } from "../src/memory/index.js";
import { createQueue } from "../src/queue.js";
import { defineTask } from "../src/task.js";
import { createFakeClock } from "../src/testing/fake-clock.js";

const categorize = defineTask({
  name: "categorize_transactions",
  input: z.object({ company_id: z.number().int().positive() }),
  retries: 2,
  dedupeKey: (input) => `company:${input.company_id}`,
  handler: async () => ({ done: true }),
});

function setup() {
  const store = createMemoryStore();
  const queue = createQueue({
    store,
    tasks: [categorize],
    clock: createFakeClock(1_000_000),
    newId: () => "job_prepared",
  });
  return { store, queue };
}

describe("queue.prepare: the job enqueue would insert, for a store that inserts it in the app's transaction", () => {
  it("validates, names, dedupes and schedules the job exactly like enqueue, and inserts nothing", async () => {
    const { store, queue } = setup();
    const job = await queue.prepare(
      categorize,
      { company_id: 7 },
      { tenantId: "t1", idempotencyKey: "k", delayMs: 500 },
    );
    expect(job).toEqual({
      id: "job_prepared",
      tenantId: "t1",
      type: "categorize_transactions",
      input: { company_id: 7 },
      maxAttempts: 3,
      runAt: 1_000_500,
      now: 1_000_000,
      idempotencyKey: "k",
      dedupeKey: "company:7",
      priority: 0,
      concurrencyKey: null,
      rateKey: null,
    });
    expect(await store.get("t1", job.id)).toBeNull();
    // The store accepts it as it is: what enqueue would have stored.
    expect((await store.enqueue(job)).job).toMatchObject({ id: "job_prepared", status: "pending" });
  });

  it("rejects invalid input and unknown tasks like enqueue", async () => {
    const { queue } = setup();
    await expect(queue.prepare(categorize, { company_id: -1 }, { tenantId: "t1" })).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(queue.prepare("nope", {}, { tenantId: "t1" })).rejects.toBeInstanceOf(JobsError);
  });
});
