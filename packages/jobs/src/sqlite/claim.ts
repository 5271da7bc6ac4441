import type Database from "better-sqlite3";
import type { ClaimRequest, Fairness, TypeLimits } from "../types.js";
import { CLAIMED_COLUMNS, type ClaimedRow } from "./rows.js";
import type { TableNames } from "./schema.js";

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
 *   jobs (or, with none, the band's clock: the highest round ever given in it, `fair_clock`) and
 *   last(t, p) the highest round of t's pending jobs in the band (none → head). So the k-th pending
 *   job of each tenant shares round head + k - 1: the claim takes one job of each tenant per round,
 *   in enqueue order within a round (rowid). A tenant with nothing pending starts at the head (no
 *   debt for what it ran, no credit for what it did not); a bulk enqueue gives a tenant's n jobs n
 *   consecutive rounds. Two enqueues computing the same round would be harmless (ties go by rowid,
 *   enqueue order); on SQLite they cannot even race, each runs in the one write transaction.
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
 * reach JS per claim. Without limits the store uses the one-statement claim (statements.ts): the fast
 * path costs what it cost before, plus the promotion's seek.
 */

/** Delayed jobs placed in line per claim, at most (a burst beyond it is placed by the next claims). */
const PROMOTE_LIMIT = 1000;
/** Candidate rows a limited claim reads into JS, at most; it returns what it found by then. */
const MAX_EXAMINED = 1000;
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
     * band in `pending_order` (SEARCH … USING COVERING INDEX jobs_pending_order (priority=?)).
     */
    headRound: pluck<[number], number>(
      db,
      `SELECT fair_round FROM ${jobs} WHERE status = 'pending' AND fair_round IS NOT NULL AND priority = ?
       ORDER BY fair_round LIMIT 1`,
    ),
    /** lastRound(tenantId, priority) → the tenant's highest pending round in the band, or null (one seek). */
    lastRound: pluck<[string, number], number | null>(
      db,
      `SELECT max(fair_round) FROM ${jobs}
       WHERE status = 'pending' AND fair_round IS NOT NULL AND tenant_id = ? AND priority = ?`,
    ),
    /** clock(priority) → the highest round ever given in the band. */
    clock: pluck<[number], number>(db, `SELECT round FROM ${fairClock} WHERE priority = ?`),
    /** advanceClock(priority, round): keeps the larger (no write when it is not larger). */
    advanceClock: db.prepare<[number, number]>(
      `INSERT INTO ${fairClock} (priority, round) VALUES (?, ?)
       ON CONFLICT (priority) DO UPDATE SET round = excluded.round WHERE excluded.round > round`,
    ),

    /** dueUnplaced(now, limit) → (rowid, tenant, priority) of due pending jobs without a round, by run_at. */
    dueUnplaced: db
      .prepare<[number, number], [number, string, number]>(
        `SELECT rowid, tenant_id, priority FROM ${jobs}
         WHERE status = 'pending' AND fair_round IS NULL AND run_at <= ? ORDER BY run_at LIMIT ?`,
      )
      .raw(true),
    /** place(round, rowid). */
    place: db.prepare<[number, number]>(`UPDATE ${jobs} SET fair_round = ? WHERE rowid = ?`),
    /** placeFifo(now, limit): FIFO's round is run_at, one statement. */
    placeFifo: db.prepare<[number, number]>(
      `UPDATE ${jobs} SET fair_round = run_at WHERE rowid IN (
         SELECT rowid FROM ${jobs} WHERE status = 'pending' AND fair_round IS NULL AND run_at <= ?
         ORDER BY run_at LIMIT ?)`,
    ),

    /**
     * bandsBelow(...filter, priority, limit) / sameBand(...filter, priority, round, rowid, limit):
     * the limited claim's keyset pages, in claim order. SQLite cannot seek a mixed-direction row value
     * (priority DESC, fair_round ASC), so a page continues in two parts: the rest of the cursor's
     * band (a range seek on (priority=?, (fair_round, rowid) > (?, ?))), then the bands below
     * (priority < ?). EXPLAIN QUERY PLAN of both: SEARCH jobs USING INDEX jobs_pending_order
     * (priority<?) / (priority=? AND (fair_round,rowid)>(?,?)), no temp b-tree.
     */
    bandsBelow: prepareCandidates(
      db,
      `${candidates} AND priority < ? ORDER BY priority DESC, fair_round, rowid LIMIT ?`,
    ),
    sameBand: prepareCandidates(
      db,
      `${candidates} AND priority = ? AND (fair_round, rowid) > (?, ?) ORDER BY fair_round, rowid LIMIT ?`,
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
 * start-time fair queuing: see the header. Valid within one write, where nothing else changes the
 * pending lines: head(p) does not move while rounds are given (each new round is >= head, and in an
 * empty band the first is the clock, which is then the head).
 */
class TenantPlacement implements Placement {
  private readonly heads = new Map<number, number>();
  private readonly lasts = new Map<string, number | null>();
  private readonly highest = new Map<number, number>();

  constructor(private readonly sql: QueueControlStatements) {}

  roundFor(tenantId: string, priority: number): number {
    let head = this.heads.get(priority);
    if (head === undefined) {
      head = this.sql.headRound.get(priority) ?? this.sql.clock.get(priority) ?? 0;
      this.heads.set(priority, head);
    }
    const line = lineKey(tenantId, priority);
    let last = this.lasts.get(line);
    if (last === undefined) {
      last = this.sql.lastRound.get(tenantId, priority) ?? null;
      this.lasts.set(line, last);
    }
    return last === null ? head : Math.max(head, last + 1);
  }

  placed(tenantId: string, priority: number, round: number): void {
    this.lasts.set(lineKey(tenantId, priority), round);
    if (round > (this.highest.get(priority) ?? Number.NEGATIVE_INFINITY)) this.highest.set(priority, round);
  }

  finish(): void {
    for (const [priority, round] of this.highest) this.sql.advanceClock.run(priority, round);
    this.highest.clear();
  }
}

const lineKey = (tenantId: string, priority: number) => `${priority}:${tenantId}`;

/** hex(type) || '.' || hex(key), as SQLite computes it for the exclusion lists (UTF-8 bytes, upper case). */
const bucketOf = (type: string, key: string) =>
  `${Buffer.from(type, "utf8").toString("hex").toUpperCase()}.${Buffer.from(key, "utf8").toString("hex").toUpperCase()}`;

/** A rate bucket as one claim sees it. */
interface RateBucket {
  open: boolean;
  /** Starts in the window, this claim's included. */
  starts: number;
  /** When this claim records its starts: max(now, the bucket's latest start), see rateBucket(). */
  at: number;
}

export class QueueControl {
  private readonly sql: QueueControlStatements;

  constructor(
    db: Db,
    tables: TableNames,
    private readonly fairness: Fairness,
  ) {
    this.sql = prepareQueueControl(db, tables);
  }

  /** A placement for one write (enqueue, enqueueMany). */
  placement(): Placement {
    return this.fairness === "fifo" ? FIFO_PLACEMENT : new TenantPlacement(this.sql);
  }

  /** Places the jobs that became due by `now` (see the header); nothing to do costs one index seek. */
  promote(now: number): void {
    if (this.fairness === "fifo") {
      this.sql.placeFifo.run(now, PROMOTE_LIMIT);
      return;
    }
    const due = this.sql.dueUnplaced.all(now, PROMOTE_LIMIT);
    if (due.length === 0) return;
    const placement = new TenantPlacement(this.sql);
    for (const [seq, tenantId, priority] of due) {
      const round = placement.roundFor(tenantId, priority);
      this.sql.place.run(round, seq);
      placement.placed(tenantId, priority, round);
    }
    placement.finish();
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
    const { now, limit } = request;
    const limits = request.limits ?? {};
    const taken: number[] = [];
    // Per bucket key: jobs running + taken for concurrency; the rate bucket's state for rate.
    const concurrency = new Map<string, number>();
    const rates = new Map<string, RateBucket>();
    const starts: Array<[type: string, key: string, at: number]> = [];
    const saturatedConcurrency = new Set<string>();
    const saturatedRate = new Set<string>();
    let cursor: Candidate | null = null;
    let examined = 0;
    while (taken.length < limit && examined < MAX_EXAMINED) {
      const size = Math.min(MAX_EXAMINED - examined, Math.max(32, 2 * (limit - taken.length)));
      const filter: PageFilter = [
        now,
        typesJson,
        JSON.stringify([...saturatedConcurrency]),
        JSON.stringify([...saturatedRate]),
      ];
      const page = this.page(filter, cursor, size);
      examined += page.length;
      for (const row of page) {
        if (taken.length === limit) break;
        const [seq, type, concurrencyKey, rateKey] = row;
        const typeLimits: TypeLimits | undefined = Object.hasOwn(limits, type) ? limits[type] : undefined;
        const concurrencyLimit = concurrencyKey === null ? undefined : typeLimits?.concurrency;
        const rateLimit = rateKey === null ? undefined : typeLimits?.rate;
        let cKey: string | null = null;
        let held = 0;
        if (concurrencyLimit !== undefined && concurrencyKey !== null) {
          cKey = bucketOf(type, concurrencyKey);
          held = concurrency.get(cKey) ?? this.sql.running.get(type, concurrencyKey) ?? 0;
          concurrency.set(cKey, held);
          if (held >= concurrencyLimit) {
            saturatedConcurrency.add(cKey);
            continue;
          }
        }
        let bucket: RateBucket | null = null;
        let rKey: string | null = null;
        if (rateLimit !== undefined && rateKey !== null) {
          rKey = bucketOf(type, rateKey);
          bucket = rates.get(rKey) ?? this.rateBucket(type, rateKey, rateLimit.perMs, now);
          rates.set(rKey, bucket);
          if (!bucket.open || bucket.starts >= rateLimit.max) {
            saturatedRate.add(rKey);
            continue;
          }
        }
        taken.push(seq);
        if (cKey !== null) concurrency.set(cKey, held + 1);
        if (bucket !== null && rateKey !== null) {
          bucket.starts += 1;
          starts.push([type, rateKey, bucket.at]);
        }
      }
      if (page.length < size) break;
      cursor = page[page.length - 1] ?? null;
    }
    if (taken.length === 0) return [];
    const { workerId } = request;
    const rows = this.sql.claimRows.all(workerId, leaseExpiresAt, now, now, JSON.stringify(taken));
    for (const [type, key, at] of starts) this.sql.recordStart.run(type, key, at);
    return rows;
  }

  /** The next `size` candidates after `cursor` in claim order (the first ones when it is null). */
  private page(filter: PageFilter, cursor: Candidate | null, size: number): Candidate[] {
    if (cursor === null) return this.sql.bandsBelow.all(...filter, ABOVE_ALL, size);
    const [seq, , , , priority, round] = cursor;
    const rest = this.sql.sameBand.all(...filter, priority, round, seq, size);
    if (rest.length === size) return rest;
    return rest.concat(this.sql.bandsBelow.all(...filter, priority, size - rest.length));
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
