import type { JobStore } from "../../src/types.js";

/**
 * Each store (its own connection, as another process would have) claims 7 at a time until nothing is
 * left; returns how many times each job id was handed out — exactly once each when claims are exclusive.
 */
export async function drainWithRacingClaimers(
  stores: readonly JobStore[],
  type: string,
  now: number,
): Promise<Map<string, number>> {
  const claimedBy = new Map<string, number>();
  await Promise.all(
    stores.map(async (store, n) => {
      for (;;) {
        const jobs = await store.claim({ workerId: `w${n}`, limit: 7, leaseMs: 60_000, now, types: [type] });
        if (jobs.length === 0) return;
        for (const job of jobs) claimedBy.set(job.id, (claimedBy.get(job.id) ?? 0) + 1);
      }
    }),
  );
  return claimedBy;
}
