/**
 * The outcome writes (complete, fail, release) of finished attempts, at most `limit` in flight.
 *
 * Why: a finished handler's slot is given back as soon as its outcome write is *issued*, not when it
 * is answered, so the worker's next claim goes out in the same event-loop turn as the completions and a
 * store that batches per turn commits both together (one round trip per round of jobs instead of two).
 * The limit is the back-pressure: once `limit` writes are unanswered (a slow or stalled store), a newly
 * finished attempt keeps its slot until an earlier write is answered, so the worker stops claiming
 * instead of piling up writes without bound.
 */
export class OutcomeWrites<T> {
  private readonly inFlight = new Set<T>();
  private readonly backlog: T[] = [];
  private backlogHead = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    /** Performs one write; must not reject (it logs its own failure). */
    private readonly write: (item: T) => Promise<unknown>,
    /** Called when an item's write goes out: its slot may be reused now. */
    private readonly issued: (item: T) => void,
  ) {}

  /** Unanswered writes plus those waiting for room. */
  get pending(): number {
    return this.inFlight.size + this.backlog.length - this.backlogHead;
  }

  /** Writes now if there is room (calling `issued` before returning), else once an earlier write is answered. */
  submit(item: T): void {
    if (this.inFlight.size < this.limit) this.start(item);
    else this.backlog.push(item);
  }

  /** Resolves once no write is in flight or waiting. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Gives up on an item's write in flight (its answer is overdue): its room comes back now and its
   * answer, should it still come, is ignored. Items not in flight are left alone.
   */
  abandon(item: T): void {
    this.answered(item);
  }

  private start(item: T): void {
    this.inFlight.add(item);
    // `write` must not reject, but if it does anyway (a logger that throws), the room must still come
    // back: a lost answer would hold the slot forever and, after `limit` of them, stop the worker.
    // The callbacks are inline arrows, not a named const: this runs once per job, and a named closure
    // costs a defineProperty of its name per call where the source is run through tsx (keepNames).
    this.write(item).then(
      () => this.answered(item),
      () => this.answered(item),
    );
    this.issued(item);
  }

  private answered(item: T): void {
    if (!this.inFlight.delete(item)) return;
    if (this.backlogHead < this.backlog.length) {
      const next = this.backlog[this.backlogHead] as T;
      this.backlog[this.backlogHead] = undefined as T;
      this.backlogHead += 1;
      if (this.backlogHead === this.backlog.length) {
        this.backlog.length = 0;
        this.backlogHead = 0;
      }
      this.start(next);
    } else if (this.inFlight.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
