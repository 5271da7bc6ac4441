/**
 * Items travel through the importer in arrays (one per decoded chunk) because every hop
 * through an async generator costs about a microsecond: per line, a 10 MB file of blank
 * lines took 10 s; per chunk it takes well under one. Detection still reads item by item.
 */
export class BatchReader<T> {
  private buffer: T[] = [];
  private position = 0;

  constructor(private readonly source: AsyncIterator<T[]>) {}

  /** The next item, or undefined at the end. */
  async next(): Promise<T | undefined> {
    while (this.position >= this.buffer.length) {
      const result = await this.source.next();
      if (result.done) return undefined;
      this.buffer = result.value;
      this.position = 0;
    }
    return this.buffer[this.position++];
  }

  /** Everything not yet read, as arrays. */
  async *rest(): AsyncGenerator<T[]> {
    if (this.position < this.buffer.length) {
      const remaining = this.buffer.slice(this.position);
      this.buffer = [];
      this.position = 0;
      yield remaining;
    }
    for (;;) {
      const result = await this.source.next();
      if (result.done) return;
      yield result.value;
    }
  }
}
