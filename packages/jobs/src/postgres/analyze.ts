import type pg from "pg";
import type { SchemaNames } from "./statements/names.js";

/**
 * Why the store analyzes its own table (docs/jobs/postgres-claim.md, "Planner statistics").
 *
 * The claim is an ordered scan of `jobs_line` from the front, O(log n + limit) — but only if the
 * planner believes there are many pending jobs. Its row estimates come from the table's statistics,
 * and a queue table's statistics are wrong exactly when it matters: a new schema has none, and a
 * table analyzed while its line was short (the night before, 0.1 % pending among a day of finished
 * rows) says "a few pending rows" when a burst of 100,000 arrives. With such estimates the planner
 * prefers a bitmap scan of every pending row plus a sort of all of them, per claim: measured on a
 * fresh schema with a 20,000-job backlog, 19–24 ms per claim of 60 jobs instead of 2–4 ms, and the
 * same misestimate slows the enqueue's round placement. Autovacuum fixes the statistics only at its
 * next visit (autovacuum_naptime, 1 min by default), long after a burst has drained.
 *
 * So the process that inserts jobs counts them, and once it inserted more than {@link MIN_ROWS} and
 * more than {@link GROWTH} of the rows the last analysis saw, it runs `ANALYZE` on the jobs table in
 * the background — at most once per {@link MIN_INTERVAL_MS}, never while another process of the same
 * schema runs one (an advisory lock, tried, not waited for), and never waiting on a lock (a vacuum
 * holding the table makes it give up until the next threshold). ANALYZE samples at most 30,000 rows
 * (default_statistics_target 100), tens of milliseconds of server time; after it PostgreSQL
 * re-plans the prepared claim. Between analyses the planner scales the sampled density by the
 * table's current size, so steady growth needs no new analysis; a shift in the share of pending
 * rows does, which is what the growth threshold catches.
 */
export const MIN_ROWS = 1000;
export const GROWTH = 0.2;
export const MIN_INTERVAL_MS = 5000;

export class JobStats {
  private inserted = 0;
  private rowsSeen = 0;
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;
  /** How many analyses this process ran (for tests and the bench). */
  analyses = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly names: SchemaNames,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts rows this process inserted; starts an analysis in the background when they tip the balance. */
  noteInserted(rows: number): void {
    this.inserted += rows;
    if (this.running !== null || this.inserted < Math.max(MIN_ROWS, GROWTH * this.rowsSeen)) return;
    if (this.now() - this.lastRunAt < MIN_INTERVAL_MS) return;
    this.lastRunAt = this.now();
    this.running = this.analyze()
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
      });
  }

  /** Waits for an analysis in flight (close, tests). */
  async drain(): Promise<void> {
    await this.running;
  }

  private async analyze(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL lock_timeout = '200ms'");
      const { rows } = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked",
        [`${this.names.jobs}:analyze`],
      );
      if (rows[0]?.locked) {
        await client.query(`ANALYZE ${this.names.jobs}`);
        const seen = await client.query<{ n: number }>(
          "SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = $1::regclass",
          [this.names.jobs],
        );
        this.rowsSeen = Number(seen.rows[0]?.n ?? 0);
        this.inserted = 0;
        this.analyses += 1;
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
