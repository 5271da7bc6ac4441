import type { JobRecord, Queue } from "@ledgerflow/jobs";

/**
 * Waits (bounded) until every job has either finished or failed its first attempt, and returns the
 * jobs. A job back in `pending` with an error is a handler that threw something unexpected: the
 * importer must turn every bad file into a clear, final failure, not a retry.
 */
export async function settleFirstAttempts(
  queue: Queue,
  tenantId: string,
  jobIds: readonly string[],
  timeoutMs: number,
): Promise<JobRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, JobRecord>();
  while (done.size < jobIds.length && Date.now() < deadline) {
    for (const id of jobIds) {
      if (done.has(id)) continue;
      const job = await queue.get(tenantId, id);
      const settled =
        job.status === "complete" ||
        job.status === "failed" ||
        job.status === "cancelled" ||
        job.error !== null;
      if (settled) done.set(id, job);
    }
    if (done.size < jobIds.length) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return jobIds.map((id) => done.get(id)).filter((job): job is JobRecord => job !== undefined);
}

/** A job that did not end as it should: still pending after an error (a crash), or failed without a message. */
export function describeBadOutcome(job: JobRecord): string | null {
  if (job.status === "complete") return null;
  if (job.status === "failed" && job.error && job.error.message.length > 5 && job.attempts === 1) return null;
  return `${job.id} ${job.status} attempt ${job.attempts}: ${JSON.stringify(job.error)?.slice(0, 200)}`;
}
