import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/backoff.js";

const noJitter = { baseMs: 1000, factor: 2, maxMs: 60_000, jitter: 0 };

describe("backoffDelay", () => {
  it("grows exponentially from baseMs: 1 s, 2 s, 4 s, 8 s", () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("is capped at maxMs", () => {
    expect(backoffDelay(7, noJitter)).toBe(60_000);
    expect(backoffDelay(50, noJitter)).toBe(60_000);
  });

  it("jitter takes up to its fraction off, never adds", () => {
    const options = { baseMs: 1000, factor: 2, maxMs: 60_000, jitter: 0.2 };
    expect(backoffDelay(1, options, () => 0)).toBe(1000);
    expect(backoffDelay(1, options, () => 0.5)).toBe(900);
    expect(backoffDelay(1, options, () => 1)).toBe(800);
  });

  it("defaults: 1 s base, factor 2, 1 h cap, 20 % jitter", () => {
    expect(backoffDelay(1, {}, () => 0)).toBe(1000);
    expect(backoffDelay(3, {}, () => 0)).toBe(4000);
    expect(backoffDelay(30, {}, () => 0)).toBe(3_600_000);
    expect(backoffDelay(1, {}, () => 1)).toBe(800);
  });

  it("is always between (1 - jitter) × the capped delay and maxMs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, baseMs, factor, maxMs, jitter, r) => {
          const delay = backoffDelay(attempt, { baseMs, factor, maxMs, jitter }, () => r);
          const capped = Math.min(baseMs * factor ** (attempt - 1), maxMs);
          return delay <= Math.round(capped) && delay >= Math.floor(capped * (1 - jitter)) - 1;
        },
      ),
    );
  });

  it("never shrinks from one attempt to the next without jitter", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (attempt) => {
        return backoffDelay(attempt + 1, noJitter) >= backoffDelay(attempt, noJitter);
      }),
    );
  });
});
