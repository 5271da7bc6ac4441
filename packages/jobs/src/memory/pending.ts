import { before, type QueueEntry, RankHeap } from "./heap.js";

/**
 * One line of pending jobs, lowest rank first. Almost every job joins its line in order (a tenant's
 * rounds only grow), so those go to an append-only FIFO (O(1), sequential memory); only out-of-order
 * entries — released jobs going back to their place — go to a heap. Popping a 300k-entry heap cost
 * more than the rest of a claim; the FIFO keeps the common case flat.
 */
export class PendingQueue<T> {
  private fifo: QueueEntry<T>[] = [];
  private head = 0;
  private readonly heap = new RankHeap<T>();
  private highest = 0;

  /** Not earlier than the FIFO's tail → FIFO, else the heap. */
  push(entry: QueueEntry<T>): void {
    if (this.empty || entry.rank > this.highest) this.highest = entry.rank;
    const tail = this.fifo[this.fifo.length - 1];
    if (tail === undefined || this.head === this.fifo.length || !before(entry, tail)) {
      if (this.head === this.fifo.length && this.head > 0) this.reset();
      this.fifo.push(entry);
    } else {
      this.heap.push(entry);
    }
  }

  peek(): QueueEntry<T> | undefined {
    const first = this.head < this.fifo.length ? this.fifo[this.head] : undefined;
    const top = this.heap.peek();
    if (first === undefined) return top;
    if (top === undefined) return first;
    return before(top, first) ? top : first;
  }

  pop(): QueueEntry<T> | undefined {
    const first = this.head < this.fifo.length ? this.fifo[this.head] : undefined;
    const top = this.heap.peek();
    if (first !== undefined && (top === undefined || !before(top, first))) {
      this.fifo[this.head] = undefined as unknown as QueueEntry<T>;
      this.head += 1;
      // Compact once the consumed prefix dominates, so memory follows the live entries.
      if (this.head > 4096 && this.head * 2 > this.fifo.length) {
        this.fifo = this.fifo.slice(this.head);
        this.head = 0;
      }
      return first;
    }
    return this.heap.pop();
  }

  /** The highest rank pushed since the line was last empty (entries gone stale included). */
  get maxRank(): number | undefined {
    return this.empty ? undefined : this.highest;
  }

  get empty(): boolean {
    return this.head === this.fifo.length && this.heap.size === 0;
  }

  private reset(): void {
    this.fifo = [];
    this.head = 0;
  }
}
