import type pg from "pg";
import { LEASE_EXPIRED_FINAL_ERROR, LEASE_EXPIRED_RETRY_ERROR } from "../errors.js";
import type { JobRecord } from "../types.js";
import type { PgEvents } from "./events.js";
import { type EventRow, type JobRow, rowEvent, toJob } from "./sql.js";
import { lockExpiredLeasesStatement, reclaimStatement } from "./statements/manage.js";
import type { SchemaNames } from "./statements/names.js";

export interface ReclaimRequest {
  now: number;
  retentionMs: number;
  retryAt: (job: JobRecord) => number;
  limit: number;
}

/**
 * One short transaction: lock up to `limit` running jobs whose lease expired (SKIP LOCKED, so two
 * sweepers split the work), let the engine's backoff pick each retry time in JS, write them back.
 * Returns how many jobs it reclaimed.
 */
export async function reclaimBatch(
  pool: pg.Pool,
  names: SchemaNames,
  events: PgEvents,
  { now, retentionMs, retryAt, limit }: ReclaimRequest,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<JobRow>({
      ...lockExpiredLeasesStatement(names),
      values: [now, limit],
    });
    let changed: EventRow[] = [];
    if (rows.length > 0) {
      const jobs = rows.map(toJob);
      const result = await client.query<EventRow>({
        ...reclaimStatement(names),
        values: [
          jobs.map((job) => job.id),
          jobs.map((job) => (job.attempts < job.maxAttempts ? retryAt(job) : null)),
          JSON.stringify(LEASE_EXPIRED_RETRY_ERROR),
          JSON.stringify(LEASE_EXPIRED_FINAL_ERROR),
          now,
          retentionMs,
          events.origin,
          names.schema,
        ],
      });
      changed = result.rows;
    }
    await client.query("COMMIT");
    if (events.hasListeners) {
      for (const row of changed) events.emit(rowEvent(row.status === "pending" ? "retrying" : "failed", row));
    }
    return rows.length;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
