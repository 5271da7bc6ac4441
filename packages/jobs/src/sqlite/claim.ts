import type Database from "better-sqlite3";
import type { ClaimRequest, Fairness, TypeLimits } from "../types.js";
import { CLAIMED_COLUMNS, type ClaimedRow } from "./rows.js";
import type { TableNames } from "./schema.js";
import { type ClaimParams, prepareClaim } from "./statements.js";

type Db = Database.Database;

/**
 * Queue control on SQLite: the order of the claim (priority, then fair share or FIFO) and the
 * limits (concurrency keys, rate limits), all decided inside the batch's BEGIN IMMEDIATE
 * transaction (batcher.ts). SQLite has one writer per file, so reading counts and writing the claim
 * in that one transaction is atomic across every process on the file: no other process can claim,
 * complete or enqueue in between.
 *
 * ORDER. Every due pending job has a `fair_round`, its place in line; the claim walks the partial
 * index `pending_order` (priority DESC, fair_round, rowid), so the order costs nothing at claim time:
 * - fairness "tenant" — start-time fair queuing. A job of tenant t in band p (its priority) gets
 *   round = max(head(p), last(t, p) + 1), where head(p) is the smallest round of the band's pending
 *   jobs (or, with none, the band's clock: at least the highest round ever given in it,
 *   `fair_clock`) and
 *   last(t, p) the highest round of t's pending jobs in the band (none → head). So the k-th pending
 *   job of each tenant shares round head + k - 1: the claim takes one job of each tenant per round,
 *   in enqueue order within a round (rowid). A tenant with nothing pending starts at the head (no
 *   debt for what it ran, no credit for what it did not); a bulk enqueue gives a tenant's n jobs n
 *   consecutive rounds. Two enqueues computing the same round would be harmless (ties go by rowid,
 *   enqueue order); on SQLite they cannot even race, each runs in the one write transaction.
 *   head(p) is the first entry of the band in `pending_order`; last(t, p) walks the tenant's
 *   entries in `tenant_round` backwards from its highest round, skipping jobs no longer pending,
 *   down to head(p) (lower rounds cannot matter) and for at most LAST_ROUND_WALK rows — in the
 *   usual case one or two rows. Only when a tenant's jobs ran far ahead of the band's head (the
 *   head held back by jobs nobody claims: a saturated key, a type without workers) can the walk hit
 *   its bound; then the lowest round it saw stands in for the tenant's last pending one: the new
 *   job stays behind every job of its tenant, and goes at most that many rounds later than exact.
 * - fairness "fifo" — fair_round = run_at: earliest runAt first, then enqueue order.
 * - A job that is not due (delayed, a retry in its backoff, a manual retry) has NO round and is not
 *   in `pending_order` — a future job at the front of the index would be walked over by every claim.
 *   The claim first PROMOTES the jobs that became due (index `pending_delayed` on run_at, partial on
 *   fair_round IS NULL; nothing to do is one index seek), giving each its round then, as BullMQ moves
 *   delayed jobs to its wait list. A release keeps the job's round, so it is back at its place.
 *
 * LIMITS (only for types with an entry in `request.limits`, jobs with a non-null key): a JS loop over
 * prepared statements, still inside the transaction. It pages through the candidates in claim order
 * (keyset pages on the same index), checks each job's key — running count from the partial index
 * `running_concurrency`, starts in the rate bucket's sliding log, a block — counting what this claim
 * took, and leaves a job over a limit pending and untouched. A key found saturated is excluded from
 * the next pages' SQL (by hex(type).hex(key)), so a saturated key's backlog costs one index step per
 * job (no row reaches JS twice) and never starves the keys behind it. At most MAX_EXAMINED rows
 * reach JS per claim. Without limits the store uses the one-statement claim (statements.ts,
 * prepareClaim): the fast path costs what it cost before, plus the promotion's seek.
 */

// LIMITs are literals in the SQL, never bound: a bound LIMIT makes SQLite re-prepare the statement on
// every bind (see prepareClaim in statements.ts).
/** Delayed jobs placed in line per claim, at most (a burst beyond it is placed by the next claims). */
const PROMOTE_LIMIT = 1000;
/** Candidate rows a limited claim reads into JS, at most; it returns what it found by then. */
const MAX_EXAMINED = 1024;
/** Rows per page of the limited claim (per part: the rest of the band, then the bands below). */
const PAGE = 64;
/** Rows lastRound walks at most (see the header). */
const LAST_ROUND_WALK = 64;
/**
 * The band clock is written this far ahead of the round that passed it, so most enqueues skip the
 * write: the clock is read only when its band has no pending job, and then every tenant starts
 * from it alike, so a clock ahead of the rounds given changes no order (released jobs, below it,
 * still go first).
 */
const CLOCK_STEP = 1024;
/** Fast-claim statements kept, one per distinct limit (workers ask for few: their free slots). */
const CLAIM_STATEMENTS = 64;
/** A priority above any stored one (the queue allows 0–1000): the first page's "band below". */
const ABOVE_ALL = Number.MAX_SAFE_INTEGER;

/** A candidate of the limited claim: (rowid, type, concurrency_key, rate_key, priority, fair_round). */
type Candidate = [
  seq: number,
  type: string,
  concurrencyKey: string | null,
  rateKey: string | null,
  priority: number,
  fairRound: number,
];

/** (the claim's due check and types) + the exclusion lists, as the page statements take them. */
type PageFilter = [now: number, typesJson: string, saturatedConcurrency: string, saturatedRate: string];

/** Keeps out rows whose key the claim found saturated (JSON arrays of hex(type) || '.' || hex(key)). */
const EXCLUDED = `(concurrency_key IS NULL
      OR hex(type) || '.' || hex(concurrency_key) NOT IN (SELECT value FROM json_each(?)))
    AND (rate_key IS NULL OR hex(type) || '.' || hex(rate_key) NOT IN (SELECT value FROM json_each(?)))`;

function prepareQueueControl(db: Db, { jobs, fairClock, rateStarts, rateBlocks }: TableNames) {
  const candidates = `SELECT rowid, type, concurrency_key, rate_key, priority, fair_round FROM ${jobs}
    WHERE status = 'pending' AND fair_round IS NOT NULL AND run_at <= ?
      AND type IN (SELECT value FROM json_each(?)) AND ${EXCLUDED}`;
  return {
    /**
     * headRound(priority) → the smallest round of the band's pending jobs: the first entry of the
     * band in `pending_order` (SEARCH jobs USING COVERING INDEX jobs_pending_order (priority=? AND
     * fair_round>?) — the "> NULL" seek of IS NOT NULL).
     */
    headRound: pluck<[number], number>(
      db,
      `SELECT fair_round FROM ${jobs} WHERE status = 'pending' AND fair_round IS NOT NULL AND priority = ?
       ORDER BY fair_round LIMIT 1`,
    ),
    /**
     * lastRounds(tenantId, priority, head) → (round, pending 0/1) of the tenant's jobs in the band from
     * its highest round down to head, at most LAST_ROUND_WALK (SEARCH jobs USING INDEX
     * jobs_tenant_round (tenant_id=? AND priority=? AND fair_round>?), read backwards).
     */
    lastRounds: db
      .prepare<[string, number, number], [number, number]>(
        `SELECT fair_round, status = 'pending' FROM ${jobs}
         WHERE tenant_id = ? AND priority = ? AND fair_round >= ?
         ORDER BY fair_round DESC, rowid DESC LIMIT ${LAST_ROUND_WALK}`,
      )
      .raw(true),
    /** clock(priority) → the highest round ever given in the band. */
    clock: pluck<[number], number>(db, `SELECT round FROM ${fairClock} WHERE priority = ?`),
    /** advanceClock(priority, round): keeps the larger (no write when it is not larger). */
    advanceClock: db.prepare<[number, number]>(
      `INSERT INTO ${fairClock} (priority, round) VALUES (?, ?)
       ON CONFLICT (priority) DO UPDATE SET round = excluded.round WHERE excluded.round > round`,
    ),

    /**
     * dueUnplaced(now) → (rowid, tenant, priority) of due pending jobs without a round, by run_at
     * (SEARCH jobs USING INDEX jobs_pending_delayed (run_at<?); none due: one seek, ~0.3 µs).
     */
    dueUnplaced: db
      .prepare<[number], [number, string, number]>(
        `SELECT rowid, tenant_id, priority FROM ${jobs}
         WHERE status = 'pending' AND fair_round IS NULL AND run_at <= ?
         ORDER BY run_at LIMIT ${PROMOTE_LIMIT}`,
      )
      .raw(true),
    /** place(round, rowid). */
    place: db.prepare<[number, number]>(`UPDATE ${jobs} SET fair_round = ? WHERE rowid = ?`),
    /** placeFifo(now): FIFO's round is run_at, one statement. */
    placeFifo: db.prepare<[number]>(
      `UPDATE ${jobs} SET fair_round = run_at WHERE rowid IN (
         SELECT rowid FROM ${jobs} WHERE status = 'pending' AND fair_round IS NULL AND run_at <= ?
         ORDER BY run_at LIMIT ${PROMOTE_LIMIT})`,
    ),

    /**
     * bandsBelow(...filter, priority) / sameBand(...filter, priority, round, rowid), PAGE rows each:
     * the limited claim's keyset pages, in claim order. SQLite cannot seek a mixed-direction row value
     * (priority DESC, fair_round ASC), so a page continues in two parts: the rest of the cursor's
     * band (a range seek on (priority=?, (fair_round, rowid) > (?, ?))), then the bands below
     * (priority < ?). EXPLAIN QUERY PLAN: SEARCH jobs USING INDEX jobs_pending_order (priority<?) /
     * (priority=? AND fair_round>?), no temp b-tree; each exclusion list is one LIST SUBQUERY
     * (json_each + bloom filter), built once per statement.
     */
    bandsBelow: prepareCandidates<[...PageFilter, number]>(
      db,
      `${candidates} AND priority < ? ORDER BY priority DESC, fair_round, rowid LIMIT ${PAGE}`,
    ),
    sameBand: prepareCandidates<[...PageFilter, number, number, number]>(
      db,
      `${candidates} AND priority = ? AND (fair_round, rowid) > (?, ?) ORDER BY fair_round, rowid LIMIT ${PAGE}`,
    ),

    /**
     * claimRows(workerId, leaseExpiresAt, now, now, rowidsJson) → the claimed rows. The rows were read
     * in this same transaction, so they are still pending; the status check is belt and braces.
     */
    claimRows: db
      .prepare<[string, number, number, number, string], ClaimedRow>(
        `UPDATE ${jobs} SET status = 'running', attempts = attempts + 1, lease_owner = ?,
           lease_expires_at = ?, started_at = ?, updated_at = ?, progress = 0
         WHERE rowid IN (SELECT value FROM json_each(?)) AND status = 'pending'
         RETURNING ${CLAIMED_COLUMNS}`,
      )
      .raw(true),

    /** running(type, key) → running jobs of the key (SEARCH USING COVERING INDEX jobs_running_concurrency). */
    running: pluck<[string, string], number>(
      db,
      `SELECT count(*) FROM ${jobs}
       WHERE status = 'running' AND concurrency_key IS NOT NULL AND type = ? AND concurrency_key = ?`,
    ),
    /** lastStart(type, key) → the bucket's latest recorded start, or null. */
    lastStart: pluck<[string, string], number | null>(
      db,
      `SELECT max(started_at) FROM ${rateStarts} WHERE type = ? AND rate_key = ?`,
    ),
    /** pruneStarts(type, key, cutoff): drops the starts at or before cutoff (out of every later window). */
    pruneStarts: db.prepare<[string, string, number]>(
      `DELETE FROM ${rateStarts} WHERE type = ? AND rate_key = ? AND started_at <= ?`,
    ),
    /** starts(type, key) → the bucket's recorded starts (after pruning: those in the window). */
    starts: pluck<[string, string], number>(
      db,
      `SELECT count(*) FROM ${rateStarts} WHERE type = ? AND rate_key = ?`,
    ),
    /** recordStart(type, key, at). */
    recordStart: db.prepare<[string, string, number]>(
      `INSERT INTO ${rateStarts} (type, rate_key, started_at) VALUES (?, ?, ?)`,
    ),
    /** blockedUntil(type, key) → the bucket's block, or undefined. */
    blockedUntil: pluck<[string, string], number>(
      db,
      `SELECT blocked_until FROM ${rateBlocks} WHERE type = ? AND rate_key = ?`,
    ),
    /** block(type, key, until): keeps the later of two blocks. */
    block: db.prepare<[string, string, number]>(
      `INSERT INTO ${rateBlocks} (type, rate_key, blocked_until) VALUES (?, ?, ?)
       ON CONFLICT (type, rate_key) DO UPDATE SET blocked_until = excluded.blocked_until
         WHERE excluded.blocked_until > blocked_until`,
    ),
  };
}

function prepareCandidates<P extends unknown[]>(db: Db, sql: string): Database.Statement<P, Candidate> {
  return db.prepare<P, Candidate>(sql).raw(true);
}

/** A statement that returns one value (the first column of the first row). */
function pluck<P extends unknown[], R>(db: Db, sql: string): Database.Statement<P, R> {
  return db.prepare<P, R>(sql).pluck(true);
}

type QueueControlStatements = ReturnType<typeof prepareQueueControl>;

/** The places given during one write (an enqueue call, a promotion), so a bulk enqueue reads each line once. */
export interface Placement {
  /** The round a due job of (tenant, priority) with this runAt gets next. */
  roundFor(tenantId: string, priority: number, runAt: number): number;
  /** Records that the job got the round (its insert succeeded). */
  placed(tenantId: string, priority: number, round: number): void;
  /** Moves the bands' clocks past the rounds given. Call once at the end of the write. */
  finish(): void;
}

const FIFO_PLACEMENT: Placement = {
  roundFor: (_tenantId, _priority, runAt) => runAt,
  placed: () => {},
  finish: () => {},
};

/**
 * Start-time fair queuing: see the header. Valid within one write, where nothing else changes the
 * pending lines: head(p) does not move while rounds are given (each new round is >= head, and in an
 * empty band the first is the clock, which is then the head).
 */
class TenantPlacement implements Placement {
  private readonly heads = new Map<number, number>();
  private readonly lasts = new Map<string, number | null>();
  private readonly highest = new Map<number, number>();

  constructor(
    private readonly sql: QueueControlStatements,
    /**
     * Per band, a clock value this process wrote (the stored one is never lower: writes keep the
     * larger). Set before the batch commits: if that commit failed (an I/O error: BEGIN IMMEDIATE
     * fails before any write runs), the stored clock lags by at most CLOCK_STEP until a round
     * passes this value again — harmless, the clock only seeds a band that has emptied.
     */
    private readonly clocks: Map<number, number>,
  ) {}

  roundFor(tenantId: string, priority: number): number {
    let head = this.heads.get(priority);
    if (head === undefined) {
      head = this.sql.headRound.get(priority) ?? this.sql.clock.get(priority) ?? 0;
      this.heads.set(priority, head);
    }
    const line = lineKey(tenantId, priority);
    let last = this.lasts.get(line);
    if (last === undefined) {
      last = this.lastPendingRound(tenantId, priority, head);
      this.lasts.set(line, last);
    }
    return last === null ? head : Math.max(head, last + 1);
  }

  placed(tenantId: string, priority: number, round: number): void {
    this.lasts.set(lineKey(tenantId, priority), round);
    if (round > (this.highest.get(priority) ?? Number.NEGATIVE_INFINITY)) this.highest.set(priority, round);
  }

  finish(): void {
    for (const [priority, round] of this.highest) {
      if (round <= (this.clocks.get(priority) ?? Number.NEGATIVE_INFINITY)) continue;
      this.sql.advanceClock.run(priority, round + CLOCK_STEP);
      this.clocks.set(priority, round + CLOCK_STEP);
    }
    this.highest.clear();
  }

  /** The tenant's highest pending round in the band, if >= head (see the header for the bound). */
  private lastPendingRound(tenantId: string, priority: number, head: number): number | null {
    // Usually the tenant's highest round is pending (or it has no row >= head): one get() reads one
    // row. Only otherwise walk on, lazily (all() would read all 64: 64 table lookups).
    const top = this.sql.lastRounds.get(tenantId, priority, head);
    if (top === undefined) return null;
    if (top[1] === 1) return top[0];
    let seen = 0;
    let lowest: number | null = null;
    for (const [round, pending] of this.sql.lastRounds.iterate(tenantId, priority, head)) {
      if (pending === 1) return round;
      seen += 1;
      lowest = round;
    }
    return seen === LAST_ROUND_WALK ? lowest : null;
  }
}

const lineKey = (tenantId: string, priority: number) => `${priority}:${tenantId}`;

/** hex(type) || '.' || hex(key), as SQLite computes it for the exclusion lists (UTF-8 bytes, upper case). */
const hex = (text: string) => Buffer.from(text, "utf8").toString("hex").toUpperCase();
const bucketOf = (type: string, key: string) => `${hex(type)}.${hex(key)}`;

/** A rate bucket as one claim sees it. */
interface RateBucket {
  open: boolean;
  /** Starts in the window, this claim's included. */
  starts: number;
  /** When this claim records its starts: max(now, the bucket's latest start), see rateBucket(). */
  at: number;
}

/** What one limited claim has counted so far. */
class ClaimCounts {
  readonly taken: number[] = [];
  /** Per concurrency bucket: running + taken by this claim. */
  readonly held = new Map<string, number>();
  readonly rates = new Map<string, RateBucket>();
  readonly starts: Array<[type: string, key: string, at: number]> = [];
  readonly saturatedConcurrency = new Set<string>();
  readonly saturatedRate = new Set<string>();
}

export class QueueControl {
  private readonly sql: QueueControlStatements;
  private readonly claims = new Map<number, Database.Statement<ClaimParams, ClaimedRow>>();
  private readonly clocks = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly tables: TableNames,
    private readonly fairness: Fairness,
  ) {
    this.sql = prepareQueueControl(db, tables);
  }

  /** A placement for one write (enqueue, enqueueMany). */
  placement(): Placement {
    return this.fairness === "fifo" ? FIFO_PLACEMENT : new TenantPlacement(this.sql, this.clocks);
  }

  /** Places the jobs that became due by `now` (see the header); nothing to do costs one index seek. */
  promote(now: number): void {
    if (this.fairness === "fifo") {
      this.sql.placeFifo.run(now);
      return;
    }
    const due = this.sql.dueUnplaced.all(now);
    if (due.length === 0) return;
    const placement = new TenantPlacement(this.sql, this.clocks);
    for (const [seq, tenantId, priority] of due) {
      const round = placement.roundFor(tenantId, priority);
      this.sql.place.run(round, seq);
      placement.placed(tenantId, priority, round);
    }
    placement.finish();
  }

  /** The fast claim (statements.ts, prepareClaim) of `limit` jobs: one statement, claim order. */
  claimFast(params: ClaimParams, limit: number): ClaimedRow[] {
    let statement = this.claims.get(limit);
    if (statement === undefined) {
      statement = prepareClaim(this.db, this.tables, limit);
      if (this.claims.size < CLAIM_STATEMENTS) this.claims.set(limit, statement);
    }
    return statement.all(...params);
  }

  /** blockRateKey: the later block wins. */
  block(type: string, key: string, until: number): void {
    this.sql.block.run(type, key, until);
  }

  /**
   * The limited claim (see the header): rows in claim order, each within its type's limits counting
   * the jobs this claim took. Runs inside the batch transaction; returns the claimed rows unsorted.
   */
  claimLimited(request: ClaimRequest, typesJson: string, leaseExpiresAt: number): ClaimedRow[] {
    const { now, limit, workerId } = request;
    const limits = request.limits ?? {};
    const counts = new ClaimCounts();
    let cursor: Candidate | null = null;
    let examined = 0;
    while (counts.taken.length < limit && examined < MAX_EXAMINED) {
      const filter: PageFilter = [
        now,
        typesJson,
        JSON.stringify([...counts.saturatedConcurrency]),
        JSON.stringify([...counts.saturatedRate]),
      ];
      const { rows, more } = this.page(filter, cursor);
      examined += rows.length;
      for (const row of rows) {
        if (counts.taken.length === limit) break;
        const type = row[1];
        this.consider(row, Object.hasOwn(limits, type) ? limits[type] : undefined, now, counts);
      }
      if (!more) break;
      cursor = rows[rows.length - 1] ?? null;
    }
    if (counts.taken.length === 0) return [];
    const rows = this.sql.claimRows.all(workerId, leaseExpiresAt, now, now, JSON.stringify(counts.taken));
    for (const [type, key, at] of counts.starts) this.sql.recordStart.run(type, key, at);
    return rows;
  }

  /** Takes the candidate if it is within its type's limits (counting this claim's), else marks its key. */
  private consider(
    [seq, type, concurrencyKey, rateKey]: Candidate,
    limits: TypeLimits | undefined,
    now: number,
    counts: ClaimCounts,
  ): void {
    let concurrency: { bucket: string; held: number } | null = null;
    if (limits?.concurrency !== undefined && concurrencyKey !== null) {
      const bucket = bucketOf(type, concurrencyKey);
      const held = counts.held.get(bucket) ?? this.sql.running.get(type, concurrencyKey) ?? 0;
      counts.held.set(bucket, held);
      if (held >= limits.concurrency) {
        counts.saturatedConcurrency.add(bucket);
        return;
      }
      concurrency = { bucket, held };
    }
    let rate: RateBucket | null = null;
    if (limits?.rate !== undefined && rateKey !== null) {
      const bucket = bucketOf(type, rateKey);
      rate = counts.rates.get(bucket) ?? this.rateBucket(type, rateKey, limits.rate.perMs, now);
      counts.rates.set(bucket, rate);
      if (!rate.open || rate.starts >= limits.rate.max) {
        counts.saturatedRate.add(bucket);
        return;
      }
    }
    counts.taken.push(seq);
    if (concurrency !== null) counts.held.set(concurrency.bucket, concurrency.held + 1);
    if (rate !== null && rateKey !== null) {
      rate.starts += 1;
      counts.starts.push([type, rateKey, rate.at]);
    }
  }

  /**
   * The next candidates after `cursor` in claim order (the first ones when it is null): up to PAGE
   * of the cursor's band, then up to PAGE of the bands below. `more`: the scan did not reach the end.
   */
  private page(filter: PageFilter, cursor: Candidate | null): { rows: Candidate[]; more: boolean } {
    if (cursor === null) {
      const rows = this.sql.bandsBelow.all(...filter, ABOVE_ALL);
      return { rows, more: rows.length === PAGE };
    }
    const [seq, , , , priority, round] = cursor;
    const rest = this.sql.sameBand.all(...filter, priority, round, seq);
    if (rest.length === PAGE) return { rows: rest, more: true };
    const below = this.sql.bandsBelow.all(...filter, priority);
    return { rows: rest.concat(below), more: below.length === PAGE };
  }

  /**
   * A rate bucket's state at `now`: blocked, and how many starts its sliding log holds in the window.
   * The log's times are kept monotonic per bucket — a start is recorded at max(now, latest start) —
   * because processes pass their own `now`, and a claim that waited for the write lock commits after
   * a later one: counting (at - perMs, at] with `at` never behind the log keeps every window of the
   * log within `max`, and pruning what is at or before at - perMs never drops a start a later check
   * would count. With one process and a clock that only moves forward, `at` is `now`.
   */
  private rateBucket(type: string, key: string, perMs: number, now: number): RateBucket {
    const blocked = this.sql.blockedUntil.get(type, key);
    const at = Math.max(now, this.sql.lastStart.get(type, key) ?? now);
    this.sql.pruneStarts.run(type, key, at - perMs);
    return {
      open: blocked === undefined || blocked <= now,
      starts: this.sql.starts.get(type, key) ?? 0,
      at,
    };
  }
}
