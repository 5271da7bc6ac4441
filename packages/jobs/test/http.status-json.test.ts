import { describe, expect, it } from "vitest";
import { toWireJob } from "../src/client/wire.js";
import { createJobStatusJson } from "../src/http/index.js";
import type { JobRecord } from "../src/types.js";

function record(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: "job_1",
    tenantId: "ten_a",
    type: "t",
    status: "running",
    progress: 10,
    message: "Working...",
    input: { n: 1 },
    result: null,
    error: null,
    attempts: 1,
    maxAttempts: 3,
    runAt: 1_000,
    leaseOwner: "w",
    leaseExpiresAt: 9_000,
    idempotencyKey: null,
    dedupeKey: null,
    createdAt: 1_000,
    updatedAt: 2_000,
    startedAt: 1_500,
    finishedAt: null,
    expiresAt: null,
    priority: 0,
    concurrencyKey: null,
    rateKey: null,
    traceContext: null,
    ...overrides,
  } as JobRecord;
}

describe("createJobStatusJson", () => {
  it("is JSON.stringify(toWireJob(job)) for every version, and reuses the string while the job is unchanged", async () => {
    let current = record();
    let reads = 0;
    const json = createJobStatusJson({
      get: async (tenantId, id) => {
        reads++;
        expect([tenantId, id]).toEqual(["ten_a", "job_1"]);
        return { ...current };
      },
    });
    const first = await json("ten_a", "job_1");
    expect(first).toBe(JSON.stringify(toWireJob(current)));
    expect(await json("ten_a", "job_1")).toBe(first);
    expect(reads, "every call reads the store").toBe(2);
    const versions: Array<Partial<JobRecord>> = [
      { progress: 20 },
      { message: "Still working..." },
      // Same millisecond, same progress: a field other than updated_at must still show.
      { attempts: 2 },
      { leaseOwner: "other", updatedAt: 2_000 },
      { status: "complete", progress: 100, result: { n: 2 }, finishedAt: 3_000, expiresAt: 90_000 },
      { status: "failed", result: null, error: { code: "boom", message: "card declined" } },
      { error: { code: "boom", message: "card declined again" } },
      { status: "pending", runAt: 5_000, error: null, startedAt: null, finishedAt: null },
      { maxAttempts: 5 },
    ];
    for (const change of versions) {
      current = record({ ...current, ...change });
      expect(await json("ten_a", "job_1"), JSON.stringify(change)).toBe(JSON.stringify(toWireJob(current)));
    }
  });

  it("lets the read's not-found through, so another tenant's job stays a 404", async () => {
    const json = createJobStatusJson({
      get: async () => {
        throw Object.assign(new Error("No job job_1 for this tenant."), { code: "not_found" });
      },
    });
    await expect(json("ten_b", "job_1")).rejects.toThrow("No job job_1");
  });
});
