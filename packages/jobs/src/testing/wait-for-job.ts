import { isTerminalStatus } from "../client/wire.js";
import { isJobsError, JobsError } from "../errors.js";
import type { Queue } from "../queue.js";
import type { JobRecord, JobStatus } from "../types.js";

export interface WaitForJobOptions {
  /** null reads any tenant's job. */
  tenantId: string | null;
  jobId: string;
  /** The status (or any of the statuses) to wait for. */
  status: JobStatus | readonly JobStatus[];
  /** Real milliseconds (the work being waited for runs in real time). Default 10 s. */
  timeoutMs?: number;
  /** Re-reads the job this often, for stores whose events do not reach this process. Default 25 ms. */
  pollMs?: number;
}

/**
 * Resolves with the job once it reaches `status`. Wakes on the queue's events and also polls.
 * Rejects early when the job ends in another terminal status (waiting for "complete" on a failed job
 * fails at once, with the job's error in the message), and with JobsError("timeout") after `timeoutMs`.
 */
export function waitForJob(queue: Queue, options: WaitForJobOptions): Promise<JobRecord> {
  const wanted = new Set<JobStatus>(typeof options.status === "string" ? [options.status] : options.status);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<JobRecord>((resolve, reject) => {
    let done = false;
    let last: JobRecord | undefined;
    let checking = false;
    let recheck = false;
    const finish = (error: Error | null, job?: JobRecord) => {
      if (done) return;
      done = true;
      off();
      clearTimeout(deadline);
      clearInterval(poll);
      if (error) reject(error);
      else resolve(job!);
    };
    const check = async () => {
      if (checking) {
        recheck = true;
        return;
      }
      checking = true;
      try {
        do {
          recheck = false;
          const job = await queue.get(options.tenantId, options.jobId);
          last = job;
          if (wanted.has(job.status)) return finish(null, job);
          if (isTerminalStatus(job.status)) {
            const why = job.error ? `: ${job.error.message}` : "";
            return finish(
              new JobsError(
                "conflict",
                `Job ${job.id} ended ${job.status} instead of ${[...wanted].join("/")}${why}`,
              ),
            );
          }
        } while (recheck && !done);
      } catch (error) {
        if (!isJobsError(error, "store_unavailable")) finish(error as Error);
      } finally {
        checking = false;
      }
    };
    const off = queue.subscribe(options.jobId, () => void check());
    const poll = setInterval(() => void check(), options.pollMs ?? 25);
    const deadline = setTimeout(() => {
      const seen = last ? `still ${last.status} (progress ${last.progress})` : "never read";
      finish(
        new JobsError(
          "timeout",
          `Job ${options.jobId} did not reach ${[...wanted].join("/")} within ${timeoutMs} ms: ${seen}.`,
        ),
      );
    }, timeoutMs);
    void check();
  });
}
