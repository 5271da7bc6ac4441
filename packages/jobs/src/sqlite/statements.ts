import type Database from "better-sqlite3";
import {
  CLAIMED_COLUMNS,
  type ClaimedRow,
  EVENT_COLUMNS,
  type EventRow,
  type JobRow,
  RECORD_COLUMNS,
} from "./rows.js";
import type { TableNames } from "./schema.js";

type Db = Database.Database;

/** The WHERE clause every write that names a lease carries: the job is still this attempt's. */
const HELD = "id = ? AND status = 'running' AND lease_owner = ? AND attempts = ?";

/**
 * A lease-checked write, prepared twice: `plain` (changes = 1 when held) for when nobody listens to
 * events, `withEvent` (RETURNING the event's columns) for when someone does — RETURNING roughly
 * doubled the cost of a completion in our measurements, so the hot path skips it when it can.
 */
export interface LeaseWrite<P extends unknown[]> {
  plain: Database.Statement<P>;
  withEvent: Database.Statement<P, EventRow>;
}

function leaseWrite<P extends unknown[]>(db: Db, table: string, set: string): LeaseWrite<P> {
  const sql = `UPDATE ${table} SET ${set} WHERE ${HELD}`;
  return {
    plain: db.prepare<P>(sql),
    withEvent: db.prepare<P, EventRow>(`${sql} RETURNING ${EVENT_COLUMNS}`),
  };
}

/**
 * The statements, prepared once per store. Each header says what it takes (positional parameters,
 * in order) and what it returns. Lease-checked writes change nothing when the lease is not held.
 */
/** A statement that returns rows as arrays (see rows.ts for why and in which order). */
function prepareRaw<P extends unknown[], R>(db: Db, sql: string): Database.Statement<P, R> {
  return db.prepare<P, R>(sql).raw(true);
}

/**
 * @internal Kept out of dist/*.d.ts (stripInternal): its inferred type names better-sqlite3's
 * unexported `BetterSqlite3` namespace, which a declaration file cannot print (TS4058).
 */
export function prepareStatements(db: Db, { jobs }: TableNames) {
  return {
    /**
     * insertJob(id, tenantId, type, input JSON, maxAttempts, runAt, idempotencyKey, dedupeKey, now, now,
     * priority, concurrencyKey, rateKey, fairRound or null while not due, traceContext)
     * → changes 0 when the id, the idempotency key or a live dedupe key is taken.
     */
    insertJob: db.prepare<
      [
        string,
        string,
        string,
        string,
        number,
        number,
        string | null,
        string | null,
        number,
        number,
        number,
        string | null,
        string | null,
        number | null,
        string | null,
      ]
    >(
      `INSERT INTO ${jobs} (id, tenant_id, type, status, progress, input, attempts, max_attempts, run_at,
         idempotency_key, dedupe_key, created_at, updated_at, priority, concurrency_key, rate_key, fair_round,
         trace_context)
       VALUES (?, ?, ?, 'pending', 0, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),

    /** findByIdempotencyKey(tenantId, key) → the job enqueued under that key. */
    findByIdempotencyKey: prepareRaw<[string, string], JobRow>(
      db,
      `SELECT ${RECORD_COLUMNS} FROM ${jobs} WHERE tenant_id = ? AND idempotency_key = ?`,
    ),

    /** findLiveByDedupeKey(tenantId, key) → the pending or running job holding that key. */
    findLiveByDedupeKey: prepareRaw<[string, string], JobRow>(
      db,
      `SELECT ${RECORD_COLUMNS} FROM ${jobs}
       WHERE tenant_id = ? AND dedupe_key = ? AND status IN ('pending', 'running')`,
    ),

    /** getAny(id) → the job, whatever its tenant (workers, admin). */
    getAny: prepareRaw<[string], JobRow>(db, `SELECT ${RECORD_COLUMNS} FROM ${jobs} WHERE id = ?`),

    /** getOwn(id, tenantId) → the job if it belongs to the tenant. */
    getOwn: prepareRaw<[string, string], JobRow>(
      db,
      `SELECT ${RECORD_COLUMNS} FROM ${jobs} WHERE id = ? AND tenant_id = ?`,
    ),

    /** extendLease(leaseExpiresAt, id, workerId, attempt) → changes 1 when held. */
    extendLease: db.prepare<[number, string, string, number]>(
      `UPDATE ${jobs} SET lease_expires_at = ? WHERE ${HELD}`,
    ),

    /**
     * updateProgress(progress, message or null to keep it, now, id, workerId, attempt). Progress never
     * goes down within an attempt, even if reports arrive out of order.
     */
    updateProgress: leaseWrite<[number, string | null, number, string, string, number]>(
      db,
      jobs,
      "progress = max(progress, ?), message = coalesce(?, message), updated_at = ?",
    ),

    /** complete(result JSON, message or null to keep it, now, now, expiresAt, id, workerId, attempt). */
    complete: leaseWrite<[string, string | null, number, number, number, string, string, number]>(
      db,
      jobs,
      `status = 'complete', progress = 100, result = ?, message = coalesce(?, message),
       error_code = NULL, error_message = NULL,
       lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, updated_at = ?, expires_at = ?`,
    ),

    /** failForGood(errorCode, errorMessage, now, now, expiresAt, id, workerId, attempt). */
    failForGood: leaseWrite<[string, string, number, number, number, string, string, number]>(
      db,
      jobs,
      `status = 'failed', error_code = ?, error_message = ?, lease_owner = NULL, lease_expires_at = NULL,
       finished_at = ?, updated_at = ?, expires_at = ?`,
    ),

    /**
     * failToRetry(errorCode, errorMessage, runAt, now, id, workerId, attempt): pending again at runAt,
     * out of line (no round) until the claim's promotion places it when it is due.
     */
    failToRetry: leaseWrite<[string, string, number, number, string, string, number]>(
      db,
      jobs,
      `status = 'pending', error_code = ?, error_message = ?, run_at = ?, updated_at = ?,
       lease_owner = NULL, lease_expires_at = NULL, fair_round = NULL`,
    ),

    /**
     * release(now, id, workerId, attempt): pending again, this attempt not counted. fair_round is
     * kept, so the job is back at its place in line (usually the front).
     */
    release: leaseWrite<[number, string, string, number]>(
      db,
      jobs,
      `status = 'pending', attempts = attempts - 1, updated_at = ?,
       started_at = CASE WHEN attempts = 1 THEN NULL ELSE started_at END,
       lease_owner = NULL, lease_expires_at = NULL`,
    ),

    /** cancel(now, now, expiresAt, id, tenantId) → the cancelled job, or no row if not pending/running. */
    cancel: prepareRaw<[number, number, number, string, string], JobRow>(
      db,
      `UPDATE ${jobs} SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL,
         finished_at = ?, updated_at = ?, expires_at = ?
       WHERE id = ? AND tenant_id = ? AND status IN ('pending', 'running')
       RETURNING ${RECORD_COLUMNS}`,
    ),

    /**
     * retry(now, now, id, tenantId) → the job, pending again with a fresh attempt budget, or no row if
     * not failed/cancelled. Throws SQLITE_CONSTRAINT_UNIQUE when its dedupe key is live elsewhere.
     * No round: the next claim's promotion puts it at the end of its tenant's line.
     */
    retry: prepareRaw<[number, number, string, string], JobRow>(
      db,
      `UPDATE ${jobs} SET status = 'pending', attempts = 0, progress = 0, message = NULL,
         result = NULL, error_code = NULL, error_message = NULL, run_at = ?, updated_at = ?,
         started_at = NULL, finished_at = NULL, expires_at = NULL, fair_round = NULL
       WHERE id = ? AND tenant_id = ? AND status IN ('failed', 'cancelled')
       RETURNING ${RECORD_COLUMNS}`,
    ),

    /** deleteOwn(id, tenantId) → the deleted job's event row, or no row if unknown or running. */
    deleteOwn: db.prepare<[string, string], EventRow>(
      `DELETE FROM ${jobs} WHERE id = ? AND tenant_id = ? AND status <> 'running'
       RETURNING ${EVENT_COLUMNS}`,
    ),

    /** expiredLeases(now) → running jobs whose lease ended before now. */
    expiredLeases: prepareRaw<[number], JobRow>(
      db,
      `SELECT ${RECORD_COLUMNS} FROM ${jobs} WHERE status = 'running' AND lease_expires_at < ?`,
    ),

    /** deleteExpired(cutoff, limit) → event rows of the terminal jobs deleted (expiresAt <= cutoff). */
    deleteExpired: db.prepare<[number, number], EventRow>(
      `DELETE FROM ${jobs} WHERE id IN (
         SELECT id FROM ${jobs} WHERE expires_at <= ?
           AND status IN ('complete', 'failed', 'cancelled')
         LIMIT ?)
       RETURNING ${EVENT_COLUMNS}`,
    ),

    /** countByStatus(tenantId) → rows (status, n). */
    countByStatus: db.prepare<[string], { status: string; n: number }>(
      `SELECT status, count(*) AS n FROM ${jobs} WHERE tenant_id = ? GROUP BY status`,
    ),

    /** countByStatusOfType(tenantId, type) → rows (status, n). */
    countByStatusOfType: db.prepare<[string, string], { status: string; n: number }>(
      `SELECT status, count(*) AS n FROM ${jobs} WHERE tenant_id = ? AND type = ? GROUP BY status`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** The fast claim's parameters: (workerId, leaseExpiresAt, now, now, now, typesJson). */
export type ClaimParams = [string, number, number, number, number, string];

/**
 * The fast claim (no limits in the request), prepared once per `limit` with the limit written into
 * the SQL: a bound LIMIT makes SQLite 3.53 re-prepare the statement on every bind (its planner uses
 * the value), which measured 8–16 µs per claim here against 0.6 µs with a literal — more than the
 * rest of a 10-job claim's SELECT. Workers ask for few distinct limits (their free slots).
 *
 * One statement: the inner SELECT walks the partial index `pending_order` (priority DESC,
 * fair_round, rowid) from its start and stops after `limit` rows of the requested types —
 * O(log n + limit), no sort, no writes for fairness (the rounds were given at enqueue or by the
 * promotion before it, see claim.ts). Jobs not due have no round and are not in that index at all;
 * `run_at <= now` only guards a clock that moved back. Returns the claimed rows in any order
 * (sortClaimed puts them in claim order), only the columns a claim does not set itself (see
 * claimedRecord). A new attempt starts at progress 0 (progress is monotonic within an attempt).
 *
 * EXPLAIN QUERY PLAN (SQLite 3.53, 20,000 jobs):
 *   SEARCH jobs USING INTEGER PRIMARY KEY (rowid=?)
 *   LIST SUBQUERY 2
 *     SCAN jobs USING INDEX jobs_pending_order
 *     LIST SUBQUERY 1
 *       SCAN json_each VIRTUAL TABLE INDEX 1:
 *       CREATE BLOOM FILTER
 * — the index walked in claim order ("SCAN … USING INDEX" stops at the LIMIT; no "USE TEMP B-TREE
 * FOR ORDER BY"), the types list built once per statement, each claimed row updated by rowid.
 */
export function prepareClaim(
  db: Db,
  { jobs }: TableNames,
  limit: number,
): Database.Statement<ClaimParams, ClaimedRow> {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new Error(`claim limit ${limit} is not a positive integer`);
  return prepareRaw<ClaimParams, ClaimedRow>(
    db,
    `UPDATE ${jobs} SET status = 'running', attempts = attempts + 1, lease_owner = ?,
       lease_expires_at = ?, started_at = ?, updated_at = ?, progress = 0
     WHERE rowid IN (
       SELECT rowid FROM ${jobs} WHERE status = 'pending' AND fair_round IS NOT NULL AND run_at <= ?
         AND type IN (SELECT value FROM json_each(?))
       ORDER BY priority DESC, fair_round, rowid LIMIT ${limit})
     RETURNING ${CLAIMED_COLUMNS}`,
  );
}
