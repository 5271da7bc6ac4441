import type { JobEvent, JobEventListener, Queue, Unsubscribe } from "@ledgerflow/jobs";

/**
 * Job events from this process's queue plus those a worker thread forwards. The SQLite store's
 * events stay inside the connection that made the change, so without this the SSE route and the
 * metrics would not see the changes made by the worker thread.
 */
export interface EventHub {
  subscribe(jobId: string, listener: JobEventListener): Unsubscribe;
  onEvent(listener: JobEventListener): Unsubscribe;
  /** Delivers an event that happened elsewhere (the worker thread). */
  publish(event: JobEvent): void;
}

export function createEventHub(queue: Queue): EventHub {
  const all = new Set<JobEventListener>();
  const byJob = new Map<string, Set<JobEventListener>>();
  return {
    subscribe(jobId, listener) {
      let set = byJob.get(jobId);
      if (!set) {
        set = new Set();
        byJob.set(jobId, set);
      }
      set.add(listener);
      const offQueue = queue.subscribe(jobId, listener);
      return () => {
        offQueue();
        set.delete(listener);
        if (set.size === 0) byJob.delete(jobId);
      };
    },
    onEvent(listener) {
      all.add(listener);
      const offQueue = queue.onEvent(listener);
      return () => {
        offQueue();
        all.delete(listener);
      };
    },
    publish(event) {
      for (const listener of all) listener(event);
      for (const listener of byJob.get(event.jobId) ?? []) listener(event);
    },
  };
}
