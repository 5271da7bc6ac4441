import { toWireJob } from "../client/wire.js";
import type { JobRecord } from "../types.js";
import type { JobRoutesQueue } from "./queue-port.js";

/** Jobs whose encoded answer is kept; past this the oldest entry makes room. */
const MAX_CACHED_JOBS = 10_000;

interface Encoded {
  /** The fields of the record the JSON was built from that can change while a job lives. */
  updatedAt: number;
  status: string;
  progress: number;
  message: string | null;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  expiresAt: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  hasResult: boolean;
  json: string;
}

/**
 * The body of `GET /api/jobs/:id` as a string, built once per version of a job rather than once per
 * poll: a browser polls a job many times between two of its changes, and every poll would otherwise
 * redo `toWireJob` (six ISO dates) and `JSON.stringify`. Each call still reads the job from the store
 * through `queue.get`, scoped by the tenant (another tenant's or an unknown id throws not_found as
 * before), so nothing is served that the caller may not see; the cached string is reused only when
 * every field that can change while a job lives (updated_at, status, progress, message, attempts,
 * run/start/finish/expiry times, error) is unchanged. `input` never changes, and `result` is set only
 * together with the status `complete`, so neither needs to be compared.
 *
 * The string is exactly `JSON.stringify(toWireJob(job))`, the body `c.json(toWireJob(job))` sends.
 */
export function createJobStatusJson(
  queue: Pick<JobRoutesQueue, "get">,
): (tenantId: string, id: string) => Promise<string> {
  const cache = new Map<string, Encoded>();
  return async (tenantId, id) => {
    const job = await queue.get(tenantId, id);
    const hit = cache.get(job.id);
    if (hit !== undefined && sameVersion(hit, job)) return hit.json;
    const json = JSON.stringify(toWireJob(job));
    if (hit === undefined && cache.size >= MAX_CACHED_JOBS) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(job.id, {
      updatedAt: job.updatedAt,
      status: job.status,
      progress: job.progress,
      message: job.message,
      attempts: job.attempts,
      maxAttempts: job.maxAttempts,
      runAt: job.runAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      expiresAt: job.expiresAt,
      errorCode: job.error?.code ?? null,
      errorMessage: job.error?.message ?? null,
      hasResult: job.result !== null,
      json,
    });
    return json;
  };
}

function sameVersion(e: Encoded, job: JobRecord): boolean {
  return (
    e.updatedAt === job.updatedAt &&
    e.status === job.status &&
    e.progress === job.progress &&
    e.message === job.message &&
    e.attempts === job.attempts &&
    e.maxAttempts === job.maxAttempts &&
    e.runAt === job.runAt &&
    e.startedAt === job.startedAt &&
    e.finishedAt === job.finishedAt &&
    e.expiresAt === job.expiresAt &&
    e.errorCode === (job.error?.code ?? null) &&
    e.errorMessage === (job.error?.message ?? null) &&
    e.hasResult === (job.result !== null)
  );
}
