import type { Fairness } from "../types.js";
import { before, type QueueEntry, RankHeap } from "./heap.js";
import { PendingQueue } from "./pending.js";
import type { StoredJob } from "./record.js";

/** The line of one tenant (or, with fairness "fifo", the one line of a band). */
type Line = PendingQueue<StoredJob>;

/**
 * The due jobs of one (type, priority): a line per tenant, and a heap of lines by their first job's
 * (round, seq). Entries in `lines` go stale when their line's head changes; `top` skips them.
 */
class Band {
  readonly lines = new Map<string, Line>();
  readonly heads = new RankHeap<Line>();

  /** Puts the line in the heap under its current head (call when the head may have changed). */
  index(line: Line): void {
    const head = line.peek();
    if (head !== undefined) this.heads.push({ rank: head.rank, seq: head.seq, value: line });
  }

  /** The band's first live job entry, cleaning stale entries on the way; undefined if empty. */
  top(): QueueEntry<StoredJob> | undefined {
    for (;;) {
      const entry = this.heads.peek();
      if (entry === undefined) return undefined;
      const line = entry.value;
      let head = line.peek();
      while (head !== undefined && !live(head)) {
        line.pop();
        head = line.peek();
      }
      if (head !== undefined && head.rank === entry.rank && head.seq === entry.seq) return head;
      this.heads.pop();
      if (head !== undefined) this.index(line);
    }
  }

  /** Removes the band's first job (the one `top` returned). */
  pop(): void {
    const entry = this.heads.pop();
    if (entry === undefined) return;
    const line = entry.value;
    line.pop();
    // The popped heap entry goes back under the line's new head: no new entry per claimed job.
    const head = line.peek();
    if (head === undefined) return;
    entry.rank = head.rank;
    entry.seq = head.seq;
    this.heads.push(entry);
  }
}

const live = (entry: QueueEntry<StoredJob>) =>
  entry.value.status === "pending" && entry.value.seq === entry.seq;

/** The pending jobs of one type: delayed ones by runAt, due ones in bands by priority. */
class TypeQueue {
  readonly delayed = new RankHeap<StoredJob>();
  readonly bands = new Map<number, Band>();
  /** The priorities that have a band, highest first. */
  priorities: number[] = [];

  band(priority: number): Band {
    let band = this.bands.get(priority);
    if (band === undefined) {
      band = new Band();
      this.bands.set(priority, band);
      this.priorities = [...this.bands.keys()].sort((a, b) => b - a);
    }
    return band;
  }

  /** The band of the entry `top()` returned last (a field, not a pair object: top runs once per job). */
  topBand: Band | undefined;

  /** The first due job over all priorities; its band is left in `topBand`. */
  top(): QueueEntry<StoredJob> | undefined {
    for (const priority of this.priorities) {
      const band = this.bands.get(priority) as Band;
      const entry = band.top();
      if (entry !== undefined) {
        this.topBand = band;
        return entry;
      }
    }
    this.topBand = undefined;
    return undefined;
  }
}

/**
 * What a claim's walk does with the job it is shown: SKIP leaves it pending in its place, TAKE takes
 * it (it leaves the lines) and goes on, TAKE_AND_STOP takes it and ends the walk.
 */
export const SKIP = 0;
export const TAKE = 1;
export const TAKE_AND_STOP = 2;
export type Visit = typeof SKIP | typeof TAKE | typeof TAKE_AND_STOP;

/**
 * The pending jobs and the order a claim takes them in (see `Fairness` in types.ts). Each due job has
 * a round: with "tenant" fairness, a tenant's new job gets max(head of its band, the tenant's last
 * pending round + 1) — start-time fair queuing, so the claim (lowest round first, then enqueue order)
 * goes round-robin across tenants; with "fifo" the round is the runAt. A delayed job or a retry waits
 * in a heap by runAt and gets its round when a claim finds it due, as if it were enqueued then.
 *
 * Entries are never removed in place: a job that left pending (claimed, cancelled, deleted) or was
 * queued again keeps a stale entry whose `seq` no longer matches, dropped when it reaches the front.
 */
export class PendingIndex {
  private readonly byType = new Map<string, TypeQueue>();
  /** Per priority, the highest round given: the head of a band that has no due job. */
  private readonly clocks = new Map<number, number>();
  private seq = 0;

  constructor(private readonly fairness: Fairness) {}

  /** A job that became pending (enqueued, retried, reset): due now → placed, else delayed. */
  push(job: StoredJob, now: number): void {
    this.seq += 1;
    job.seq = this.seq;
    const queue = this.queue(job.type);
    if (job.runAt > now) queue.delayed.push({ rank: job.runAt, seq: job.seq, value: job });
    else this.place(queue, job);
  }

  /** A released job goes back to the place it had (same round, same seq). */
  putBack(job: StoredJob): void {
    const queue = this.queue(job.type);
    const band = queue.band(job.priority);
    const line = this.line(band, job.tenantId);
    line.push({ rank: job.round, seq: job.seq, value: job });
    band.index(line);
  }

  /**
   * Walks the due jobs of `types` in claim order, showing `visit` each until it says stop or the jobs
   * run out. A job skipped stays where it is; `maxSkips` bounds how many are passed over per walk.
   */
  walk(types: readonly string[], now: number, maxSkips: number, visit: (job: StoredJob) => Visit): void {
    const queues: TypeQueue[] = [];
    for (const type of types) {
      const queue = this.byType.get(type);
      if (queue === undefined) continue;
      this.promote(queue, now);
      queues.push(queue);
    }
    let skipped: StoredJob[] | undefined;
    try {
      for (;;) {
        let best: QueueEntry<StoredJob> | undefined;
        let bestBand: Band | undefined;
        for (const queue of queues) {
          const top = queue.top();
          if (top === undefined) continue;
          if (
            best === undefined ||
            top.value.priority > best.value.priority ||
            (top.value.priority === best.value.priority && before(top, best))
          ) {
            best = top;
            bestBand = queue.topBand;
          }
        }
        if (best === undefined || bestBand === undefined) return;
        const job = best.value;
        const decision = visit(job);
        bestBand.pop();
        if (decision === TAKE_AND_STOP) return;
        if (decision === SKIP) {
          skipped ??= [];
          skipped.push(job);
          if (skipped.length >= maxSkips) return;
        }
      }
    } finally {
      if (skipped !== undefined) for (const job of skipped) this.putBack(job);
    }
  }

  private queue(type: string): TypeQueue {
    let queue = this.byType.get(type);
    if (queue === undefined) {
      queue = new TypeQueue();
      this.byType.set(type, queue);
    }
    return queue;
  }

  private line(band: Band, tenantId: string): Line {
    const key = this.fairness === "tenant" ? tenantId : "";
    let line = band.lines.get(key);
    if (line === undefined) {
      line = new PendingQueue();
      band.lines.set(key, line);
    }
    return line;
  }

  private promote(queue: TypeQueue, now: number): void {
    for (;;) {
      const next = queue.delayed.peek();
      if (next === undefined || next.rank > now) return;
      queue.delayed.pop();
      if (live(next)) this.place(queue, next.value);
    }
  }

  /** Gives a due job its round and puts it at the end of its tenant's line. */
  private place(queue: TypeQueue, job: StoredJob): void {
    const band = queue.band(job.priority);
    const line = this.line(band, job.tenantId);
    job.round = this.fairness === "tenant" ? this.roundFor(job) : job.runAt;
    const wasHead = line.peek();
    line.push({ rank: job.round, seq: job.seq, value: job });
    if (wasHead === undefined || line.peek()?.value === job) band.index(line);
  }

  /** max(head of the band across types, the tenant's last pending round + 1). */
  private roundFor(job: StoredJob): number {
    let head: number | undefined;
    let last: number | undefined;
    for (const queue of this.byType.values()) {
      const band = queue.bands.get(job.priority);
      if (band === undefined) continue;
      const top = band.top();
      if (top !== undefined && (head === undefined || top.rank < head)) head = top.rank;
      const mine = band.lines.get(job.tenantId)?.maxRank;
      if (mine !== undefined && (last === undefined || mine > last)) last = mine;
    }
    const start = head ?? this.clocks.get(job.priority) ?? 0;
    const round = last === undefined ? start : Math.max(start, last + 1);
    if (round > (this.clocks.get(job.priority) ?? -1)) this.clocks.set(job.priority, round);
    return round;
  }
}
