import { PendingQueue } from "./pending.js";
import type { StoredJob } from "./record.js";

/**
 * The pending jobs, one queue per type, and the choice among them: a claim takes the earliest due job
 * (runAt, then enqueue order) across the types it asks for. Entries are never removed in place: a job
 * that left pending (claimed, cancelled, deleted) or was queued again keeps a stale entry whose `seq`
 * no longer matches, and that entry is dropped when it reaches the front.
 */
export class PendingIndex {
  private readonly byType = new Map<string, PendingQueue<StoredJob>>();
  private seq = 0;

  push(job: StoredJob, now: number): void {
    let queue = this.byType.get(job.type);
    if (queue === undefined) {
      queue = new PendingQueue();
      this.byType.set(job.type, queue);
    }
    this.seq += 1;
    job.seq = this.seq;
    queue.push({ runAt: job.runAt, seq: job.seq, value: job }, now);
  }

  /** Removes and returns the earliest job among `types` that is due at `now`, if any. */
  takeDue(types: readonly string[], now: number): StoredJob | undefined {
    let best: PendingQueue<StoredJob> | undefined;
    let bestRunAt = Number.POSITIVE_INFINITY;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const type of types) {
      const queue = this.byType.get(type);
      if (queue === undefined) continue;
      let top = queue.peek();
      while (top !== undefined && (top.value.status !== "pending" || top.value.seq !== top.seq)) {
        queue.pop();
        top = queue.peek();
      }
      if (top === undefined || top.runAt > now) continue;
      if (top.runAt < bestRunAt || (top.runAt === bestRunAt && top.seq < bestSeq)) {
        best = queue;
        bestRunAt = top.runAt;
        bestSeq = top.seq;
      }
    }
    return best?.pop()?.value;
  }
}
