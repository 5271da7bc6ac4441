import { describe, expect, it } from "vitest";
import { errorRetryDelay, nextDelay } from "../src/client/index.js";

describe("nextDelay — the seed's polling schedule", () => {
  it.each([
    [0, 1000],
    [4, 1000],
    [5, 1500],
    [9, 1500],
    [10, 2250],
    [14, 2250],
    [15, 3375],
    [19, 3375],
    [20, 5000],
    [1000, 5000],
  ])("after %i polls waits %i ms", (polls, ms) => {
    expect(nextDelay(polls)).toBe(ms);
  });

  it("never decreases and never exceeds 5 s", () => {
    for (let polls = 1; polls < 200; polls++) {
      expect(nextDelay(polls)).toBeGreaterThanOrEqual(nextDelay(polls - 1));
      expect(nextDelay(polls)).toBeLessThanOrEqual(5000);
    }
  });
});

describe("errorRetryDelay — backoff after network errors", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [50, 30_000],
  ])("after %i consecutive failures waits %i ms", (failures, ms) => {
    expect(errorRetryDelay(failures)).toBe(ms);
  });
});
