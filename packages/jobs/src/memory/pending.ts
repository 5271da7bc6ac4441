import { type QueueEntry, RunAtHeap } from "./heap.js";

const before = <T>(a: QueueEntry<T>, b: QueueEntry<T>) =>
  a.runAt < b.runAt || (a.runAt === b.runAt && a.seq < b.seq);

/**
 * The pending jobs of one type, earliest runAt first. Almost every job is enqueued due now, in order,
 * so those go to an append-only FIFO (O(1), sequential memory); only out-of-order entries — delayed
 * jobs, retries, released jobs — go to a heap. Popping a 300k-entry heap cost more than the rest of
 * a claim; the FIFO keeps the common case flat.
 */
export class PendingQueue<T> {
  private fifo: QueueEntry<T>[] = [];
  private head = 0;
  private readonly heap = new RunAtHeap<T>();

  /** `now` routes it: due and not earlier than the FIFO's tail → FIFO, else the heap. */
  push(entry: QueueEntry<T>, now: number): void {
    const tail = this.fifo[this.fifo.length - 1];
    if (
      entry.runAt <= now &&
      (tail === undefined || this.head === this.fifo.length || !before(entry, tail))
    ) {
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

  private reset(): void {
    this.fifo = [];
    this.head = 0;
  }
}
