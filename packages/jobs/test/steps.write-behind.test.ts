import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { StepRecord } from "../src/flows/types.js";
import { createQueue, createWorker, defineTask, type JobStore, type TaskContext } from "../src/index.js";
import { createMemoryStore } from "../src/memory/index.js";
import { createSqliteStore } from "../src/sqlite/index.js";
import type { Lease } from "../src/types.js";
import { silentLogger } from "./conformance/engine-harness.js";

/*
 * ctx.step issues its write and returns without waiting for it (worker/steps.ts); the write is awaited
 * before the next step's fn and before the attempt's outcome, and on stores whose writes apply in
 * order (memory, SQLite) the completion goes out right behind it.
 */

type Flows = {
  saveStep(lease: Lease, step: StepRecord, now: number): Promise<boolean>;
  loadSteps(jobId: string): Promise<StepRecord[]>;
};
const flowsOf = (store: JobStore) => (store as unknown as { flows: Flows }).flows;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stores: Record<string, () => JobStore> = {
  memory: () => createMemoryStore(),
  sqlite: () => {
    const dir = mkdtempSync(join(tmpdir(), "lf-steps-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return createSqliteStore({ path: join(dir, "jobs.sqlite") });
  },
};

/** The same store under another name: the engine then treats its writes as unordered (PostgreSQL, Redis). */
function unordered(store: JobStore): JobStore {
  return new Proxy(store, {
    get: (target, key) => (key === "name" ? "unordered-test" : Reflect.get(target, key)),
  });
}

/** Runs one job of a task whose handler is `handler` on `store` and waits until it has ended. */
async function runOne(
  store: JobStore,
  handler: (ctx: TaskContext<{ n: number }>) => Promise<unknown>,
  retries = 0,
) {
  const task = defineTask({
    name: "steps_write_behind",
    input: z.object({ n: z.number() }),
    retries,
    backoff: { baseMs: 20, factor: 1, maxMs: 20, jitter: 0 },
    handler: async (ctx) => ((await handler(ctx)) ?? null) as never,
  });
  const queue = createQueue({ store, tasks: [task] });
  await queue.init();
  const worker = createWorker(queue, { concurrency: 1, pollIntervalMs: 10, logger: silentLogger });
  cleanups.push(async () => {
    await worker.stop();
    await queue.close();
  });
  const { job } = await queue.enqueue(task, { n: 1 }, { tenantId: "t" });
  worker.start();
  const deadline = Date.now() + 5_000;
  for (;;) {
    const now = await queue.get("t", job.id);
    if (now !== null && now.status !== "running" && now.status !== "pending") return { queue, job: now };
    if (Date.now() > deadline) throw new Error(`job still ${now?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(Object.keys(stores))("ctx.step writes on %s", (name) => {
  const makeStore = stores[name] as () => JobStore;

  it("a step is stored before the next step's fn runs, the last one with the completion", async () => {
    const store = makeStore();
    let seenByB: string[] = [];
    const { job } = await runOne(store, async (ctx) => {
      await ctx.step("a", () => 1);
      await ctx.step("b", async () => {
        seenByB = (await flowsOf(store).loadSteps(ctx.jobId)).map((s) => s.name);
        return 2;
      });
      return "done";
    });
    expect(job.status).toBe("complete");
    expect(seenByB).toEqual(["a"]);
    const steps = await flowsOf(store).loadSteps(job.id);
    expect(steps.map((s) => [s.name, s.result])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("a step followed by a failure is stored for the retry, which does not run its fn again", async () => {
    const store = makeStore();
    let runsOfA = 0;
    let attempts = 0;
    const { job } = await runOne(
      store,
      async (ctx) => {
        attempts += 1;
        const a = await ctx.step("a", () => {
          runsOfA += 1;
          return "x";
        });
        if (attempts === 1) throw new Error("after the step");
        return a;
      },
      1,
    );
    expect(job.status).toBe("complete");
    expect(job.result).toBe("x");
    expect(attempts).toBe(2);
    expect(runsOfA).toBe(1);
    expect((await flowsOf(store).loadSteps(job.id)).map((s) => s.name)).toEqual(["a"]);
  });
});

describe("the completion behind an unanswered step write", () => {
  it("on an ordered store (memory) goes out before the step's answer, and the job completes", async () => {
    const store = createMemoryStore();
    const flows = flowsOf(store);
    const save = flows.saveStep.bind(flows);
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const order: string[] = [];
    flows.saveStep = async (lease, step, now) => {
      const held = await save(lease, step, now);
      order.push("step applied");
      await answered;
      order.push("step answered");
      return held;
    };
    const complete = store.complete.bind(store);
    store.complete = (...args) => {
      order.push("complete issued");
      answer();
      return complete(...args);
    };
    const { job } = await runOne(store, async (ctx) => ctx.step("a", () => 1));
    expect(job.status).toBe("complete");
    expect(order).toEqual(["step applied", "complete issued", "step answered"]);
  });

  it("on an unordered store waits for the step's answer first", async () => {
    const base = createMemoryStore();
    const flows = flowsOf(base);
    const save = flows.saveStep.bind(flows);
    const order: string[] = [];
    flows.saveStep = async (lease, step, now) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push("step answered");
      return save(lease, step, now);
    };
    const complete = base.complete.bind(base);
    base.complete = (...args) => {
      order.push("complete issued");
      return complete(...args);
    };
    const { job } = await runOne(unordered(base), async (ctx) => ctx.step("a", () => 1));
    expect(job.status).toBe("complete");
    expect(order).toEqual(["step answered", "complete issued"]);
    expect((await flows.loadSteps(job.id)).map((s) => s.name)).toEqual(["a"]);
  });

  it("on an unordered store, a step write the store refused with an error fails the attempt instead", async () => {
    const base = createMemoryStore();
    const flows = flowsOf(base);
    flows.saveStep = async () => {
      throw new Error("disk full");
    };
    const { job } = await runOne(unordered(base), async (ctx) => ctx.step("a", () => 1));
    expect(job.status).toBe("failed");
    expect(job.error?.message).toContain("disk full");
  });
});

describe("a step write that failed", () => {
  it("surfaces in the next ctx.step, whose fn does not run", async () => {
    const store = createMemoryStore();
    const flows = flowsOf(store);
    flows.saveStep = async () => {
      throw new Error("disk full");
    };
    let ranB = false;
    let seen: unknown;
    const { job } = await runOne(store, async (ctx) => {
      await ctx.step("a", () => 1);
      try {
        await ctx.step("b", () => {
          ranB = true;
          return 2;
        });
      } catch (error) {
        seen = error;
        throw error;
      }
    });
    expect(ranB).toBe(false);
    expect(String(seen)).toContain("disk full");
    expect(job.status).toBe("failed");
  });
});
