import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTask } from "../src/task.js";

const base = { name: "t", input: z.object({}), handler: () => null };

describe("defineTask refuses bad queue-control options, naming the field and the value", () => {
  it.each([
    [{ priority: -1 }, /Task "t": priority must be a whole number from 0 to 1000.*got -1/],
    [{ priority: 2.5 }, /priority .* got 2\.5/],
    [{ priority: 1001 }, /priority .* got 1001/],
    [{ concurrency: { limit: 0 } }, /Task "t": concurrency\.limit must be a whole number ≥ 1, got 0/],
    [{ concurrency: { limit: 1.5 } }, /concurrency\.limit .* got 1\.5/],
    [{ rateLimit: { max: 0, perMs: 1000 } }, /Task "t": rateLimit\.max must be a whole number ≥ 1, got 0/],
    [{ rateLimit: { max: 5, perMs: -1 } }, /rateLimit\.perMs .* got -1/],
    [{ rateLimit: { max: 5, perMs: "60s" } }, /rateLimit\.perMs .* got "60s"/],
    [{ concurrency: { limit: 2, key: "company" } }, /concurrency\.key must be a function/],
  ])("%j", (options, message) => {
    expect(() => defineTask({ ...base, ...(options as object) })).toThrow(message);
  });

  it("accepts good ones", () => {
    const task = defineTask({
      ...base,
      priority: 1000,
      concurrency: { limit: 3, key: () => "k" },
      rateLimit: { max: 60, perMs: 60_000 },
    });
    expect(task.concurrency?.limit).toBe(3);
  });
});
