import { describe, expect, it } from "vitest";
import { createFakeClock } from "../src/testing/fake-clock.js";

describe("fake clock", () => {
  it("fires due timers in time order, with now() at each timer's time", async () => {
    const clock = createFakeClock(1000);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(["b", clock.now()]), 200);
    clock.setTimeout(() => fired.push(["a", clock.now()]), 100);
    clock.setTimeout(() => fired.push(["c", clock.now()]), 300);
    await clock.advance(250);
    expect(fired).toEqual([
      ["a", 1100],
      ["b", 1200],
    ]);
    expect(clock.now()).toBe(1250);
    expect(clock.pendingTimers).toBe(1);
  });

  it("fires timers scheduled by a timer within the same advance", async () => {
    const clock = createFakeClock(0);
    const ticks: number[] = [];
    const tick = () => {
      ticks.push(clock.now());
      clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    await clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
  });

  it("lets promise callbacks queued by a timer run before the next timer", async () => {
    const clock = createFakeClock(0);
    const order: string[] = [];
    clock.setTimeout(() => {
      Promise.resolve().then(() => order.push("promise after first"));
      order.push("first");
    }, 10);
    clock.setTimeout(() => order.push("second"), 20);
    await clock.advance(20);
    expect(order).toEqual(["first", "promise after first", "second"]);
  });

  it("clearTimeout cancels; set() moves time without firing", async () => {
    const clock = createFakeClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 10);
    clock.clearTimeout(handle);
    clock.set(100);
    await clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.now()).toBe(200);
  });
});
