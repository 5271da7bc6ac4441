import { describe, expect, it } from "vitest";
import { createFakeClock } from "../src/testing/fake-clock.js";
import { clampProgress, ProgressCoalescer } from "../src/worker/progress.js";

function setup(answer: () => boolean | Promise<boolean> = () => true) {
  const clock = createFakeClock(0);
  const writes: Array<{ at: number; progress: number; message: string | null }> = [];
  let lost = 0;
  const errors: unknown[] = [];
  const coalescer = new ProgressCoalescer(
    clock,
    async (progress, message) => {
      writes.push({ at: clock.now(), progress, message });
      return answer();
    },
    () => {
      lost += 1;
    },
    (error) => errors.push(error),
  );
  return { clock, writes, coalescer, lost: () => lost, errors };
}

describe("progress coalescing", () => {
  it("writes the first report at once", async () => {
    const { writes, coalescer, clock } = setup();
    coalescer.report(10, "Fetching transactions...");
    await clock.advance(0);
    expect(writes).toEqual([{ at: 0, progress: 10, message: "Fetching transactions..." }]);
  });

  it("writes at most once per 200 ms, always the latest value", async () => {
    const { writes, coalescer, clock } = setup();
    coalescer.report(10, "a");
    await clock.advance(50);
    for (let i = 1; i <= 9; i++) coalescer.report(10 + i * 5, `step ${i}`);
    await clock.advance(149);
    expect(writes).toHaveLength(1);
    await clock.advance(1);
    expect(writes).toEqual([
      { at: 0, progress: 10, message: "a" },
      { at: 200, progress: 55, message: "step 9" },
    ]);
    await clock.advance(1000);
    expect(writes).toHaveLength(2);
  });

  it("a report after a quiet period is written immediately", async () => {
    const { writes, coalescer, clock } = setup();
    coalescer.report(10);
    await clock.advance(500);
    coalescer.report(20);
    await clock.advance(0);
    expect(writes.map((w) => [w.at, w.progress])).toEqual([
      [0, 10],
      [500, 20],
    ]);
  });

  it("ignores lower values: progress is monotonic within an attempt", async () => {
    const { writes, coalescer, clock } = setup();
    coalescer.report(60, "sixty");
    await clock.advance(0);
    coalescer.report(30);
    await clock.advance(1000);
    expect(writes.map((w) => w.progress)).toEqual([60]);
    coalescer.report(30, "new message, old progress");
    await clock.advance(0);
    expect(writes.at(-1)).toEqual({ at: 1000, progress: 60, message: "new message, old progress" });
  });

  it("clamps to 0–100", () => {
    expect([clampProgress(-5), clampProgress(42.5), clampProgress(250), clampProgress(Number.NaN)]).toEqual([
      0, 42.5, 100, 0,
    ]);
  });

  it("settle() writes the last value before the attempt ends, without waiting for the window", async () => {
    const { writes, coalescer, clock } = setup();
    coalescer.report(10);
    coalescer.report(95, "Committing to database...");
    await coalescer.settle();
    expect(writes.map((w) => [w.at, w.progress, w.message])).toEqual([
      [0, 10, null],
      [0, 95, "Committing to database..."],
    ]);
    coalescer.report(99);
    await clock.advance(1000);
    expect(writes).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it("finish() hands the last message to the completion instead of writing it, and stops writing", async () => {
    const { writes, coalescer, clock } = setup();
    coalescer.report(10, "Fetching transactions...");
    coalescer.report(95, "Committing to database...");
    expect(coalescer.finish()).toBe("Committing to database...");
    coalescer.report(99, "late");
    await clock.advance(1000);
    expect(writes.map((w) => w.message)).toEqual(["Fetching transactions..."]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("finish() without any message returns null, so the completion keeps the stored one", () => {
    const { coalescer } = setup();
    coalescer.report(10);
    expect(coalescer.finish()).toBeNull();
  });

  it("settle() with nothing unwritten makes no extra write", async () => {
    const { writes, coalescer } = setup();
    coalescer.report(10);
    await coalescer.settle();
    expect(writes).toHaveLength(1);
  });

  it("a rejected write means the lease is gone: it reports once and never writes again", async () => {
    const { writes, coalescer, clock, lost } = setup(() => false);
    coalescer.report(10);
    await clock.advance(0);
    coalescer.report(20);
    await clock.advance(1000);
    await coalescer.settle();
    expect(writes).toHaveLength(1);
    expect(lost()).toBe(1);
  });

  it("a failed write is retried by the next flush with the latest value", async () => {
    let calls = 0;
    const { writes, coalescer, clock, errors } = setup(() => {
      calls += 1;
      if (calls === 1) throw new Error("connection reset");
      return true;
    });
    coalescer.report(10);
    await clock.advance(0);
    expect(errors).toHaveLength(1);
    coalescer.report(20);
    await clock.advance(200);
    expect(writes.map((w) => w.progress)).toEqual([10, 20]);
  });

  it("close() stops all writes and clears its timer", async () => {
    const { writes, coalescer, clock } = setup();
    coalescer.report(10);
    coalescer.report(20);
    coalescer.close();
    await clock.advance(1000);
    expect(writes.map((w) => w.progress)).toEqual([10]);
    expect(clock.pendingTimers).toBe(0);
  });
});
