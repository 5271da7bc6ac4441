import type { JobEventKind, JobEventListener, Unsubscribe } from "../types.js";
import type { StoredJob } from "./record.js";

/** The memory store's subscribers: events are delivered synchronously, in this process only. */
export class Listeners {
  private readonly listeners = new Set<JobEventListener>();

  subscribe(listener: JobEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  clear(): void {
    this.listeners.clear();
  }

  emit(kind: JobEventKind, job: StoredJob): void {
    if (this.listeners.size === 0) return;
    const event = {
      kind,
      jobId: job.id,
      tenantId: job.tenantId,
      type: job.type,
      status: job.status,
      progress: job.progress,
      message: job.message,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the store's write or the other listeners.
      }
    }
  }
}
