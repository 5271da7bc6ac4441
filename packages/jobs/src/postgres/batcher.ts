/**
 * Group commit for writes issued close together: the first call goes out at the end of the current
 * event-loop turn (setImmediate), so every write issued in that turn — e.g. the completions of all
 * handlers that finished together — leaves as one batch; calls that arrive while a batch is in flight
 * wait for it and leave together as the next one. No fixed delay, so an idle store adds no latency
 * and a busy one gets bigger batches on its own (the SQLite prototype: 11–16k jobs/s committing each
 * completion alone against ~113k/s committing those of one turn together). A microtask flush was
 * measured too: it split one turn's completions into several small batches, and the worker's next
 * claims with them (595 vs … jobs/s through the engine on PostgreSQL).
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = false;
  private scheduled = false;
  private drained: (() => void)[] = [];

  /**
   * @param run executes one batch and returns one output per item, in order.
   * @param keyOf items with the same key never share a batch (two writes to one job in one UPDATE
   *   would leave which one wins to chance); the later one waits for the next batch.
   */
  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly keyOf: (item: I) => string,
    private readonly maxBatch = 1000,
  ) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when every item pushed so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.inFlight || this.queue.length > 0 || this.scheduled) {
      await new Promise<void>((resolve) => this.drained.push(resolve));
    }
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.takeBatch();
    this.inFlight = true;
    try {
      const outputs = await this.run(batch.map((entry) => entry.item));
      for (const [i, entry] of batch.entries()) entry.resolve(outputs[i] as O);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.inFlight = false;
      if (this.queue.length > 0) this.schedule();
      const waiters = this.drained;
      this.drained = [];
      for (const resolve of waiters) resolve();
    }
  }

  private takeBatch(): typeof this.queue {
    const keys = new Set<string>();
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    for (const entry of this.queue) {
      const key = this.keyOf(entry.item);
      if (batch.length < this.maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(entry);
      } else {
        rest.push(entry);
      }
    }
    this.queue = rest;
    return batch;
  }
}
