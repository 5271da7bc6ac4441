import type { JobEvent, JobEventListener, JobStore, Unsubscribe } from "./types.js";

/**
 * Fans one store subscription out to per-job and global listeners. The store is subscribed only while
 * someone listens, so a queue nobody watches adds no cost to the hot path.
 */
export class EventHub {
  private readonly byJob = new Map<string, Set<JobEventListener>>();
  private readonly global = new Set<JobEventListener>();
  private off: Unsubscribe | undefined;

  constructor(private readonly store: JobStore) {}

  forJob(jobId: string, listener: JobEventListener): Unsubscribe {
    let set = this.byJob.get(jobId);
    if (set === undefined) {
      set = new Set();
      this.byJob.set(jobId, set);
    }
    set.add(listener);
    this.attach();
    return () => {
      const current = this.byJob.get(jobId);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.byJob.delete(jobId);
      this.detachIfIdle();
    };
  }

  all(listener: JobEventListener): Unsubscribe {
    this.global.add(listener);
    this.attach();
    return () => {
      this.global.delete(listener);
      this.detachIfIdle();
    };
  }

  close(): void {
    this.byJob.clear();
    this.global.clear();
    this.detachIfIdle();
  }

  private readonly dispatch = (event: JobEvent): void => {
    for (const listener of this.global) listener(event);
    const listeners = this.byJob.get(event.jobId);
    if (listeners !== undefined) for (const listener of listeners) listener(event);
  };

  private attach(): void {
    if (this.off === undefined) this.off = this.store.subscribe(this.dispatch);
  }

  private detachIfIdle(): void {
    if (this.off !== undefined && this.global.size === 0 && this.byJob.size === 0) {
      this.off();
      this.off = undefined;
    }
  }
}
