/**
 * A pending job's place in line: lowest `rank` first (its runAt while delayed, its fair round once
 * due), then enqueue order.
 */
export interface QueueEntry<T> {
  rank: number;
  seq: number;
  value: T;
}

export function before<T>(a: QueueEntry<T>, b: QueueEntry<T>): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq);
}

/** A binary min-heap of pending jobs. Removal is lazy: the store skips entries that went stale. */
export class RankHeap<T> {
  private readonly items: QueueEntry<T>[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): QueueEntry<T> | undefined {
    return this.items[0];
  }

  push(entry: QueueEntry<T>): void {
    const items = this.items;
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!before(entry, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): QueueEntry<T> | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(items[right]!, items[left]!)) child = right;
      if (!before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
