import type { Redis } from "ioredis";
import type { JobEvent, JobEventListener } from "../types.js";

/**
 * Job events over Redis pub/sub, on a duplicate of the store's connection (a subscribed connection can
 * do nothing else). Every event, this process's included, arrives through the channel, so listeners
 * see one order: the order the scripts ran in. ioredis reconnects and resubscribes on its own; events
 * published while the connection was down are missed, which is why readers poll the job as the truth.
 */
export class RedisEvents {
  private readonly listeners = new Set<JobEventListener>();
  private subscriber: Redis | null = null;
  private subscribed: Promise<void> | null = null;

  constructor(
    private readonly client: Redis,
    private readonly channel: string,
  ) {}

  subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    this.start();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Resolves once SUBSCRIBE is confirmed. Writes await it while a subscription is starting, so a
   * listener added just before a write sees that write's event.
   */
  ready(): Promise<void> | null {
    return this.subscribed;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    await this.subscribed;
    this.subscribed = null;
    subscriber?.disconnect();
  }

  private start(): void {
    if (this.subscriber !== null) return;
    const subscriber = this.client.duplicate({ enableAutoPipelining: false });
    subscriber.on("error", () => undefined);
    subscriber.on("message", (_channel: string, payload: string) => this.deliver(payload));
    this.subscriber = subscriber;
    const first = this.trySubscribe(subscriber);
    this.subscribed = first;
    // Once settled, writes stop waiting (a resolved promise would still cost each write a tick).
    void first.finally(() => {
      if (this.subscribed === first) this.subscribed = null;
    });
  }

  /**
   * SUBSCRIBE, retried every second while Redis is unreachable (ioredis resubscribes by itself only to
   * channels it once subscribed). Never rejects: writes wait for the first attempt, not for success.
   */
  private async trySubscribe(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.channel);
    } catch {
      if (this.subscriber !== subscriber) return;
      const retry = setTimeout(() => {
        if (this.subscriber === subscriber) void this.trySubscribe(subscriber);
      }, 1_000);
      retry.unref();
    }
  }

  /** One message carries one event, or (from a script that batched its writes) an array of them in order. */
  private deliver(payload: string): void {
    if (this.listeners.size === 0) return;
    let wire: JobEvent | JobEvent[];
    try {
      wire = JSON.parse(payload) as JobEvent | JobEvent[];
    } catch {
      return;
    }
    if (Array.isArray(wire)) for (const one of wire) this.emit(one);
    else this.emit(wire);
  }

  private emit(wire: JobEvent): void {
    const event: JobEvent = {
      kind: wire.kind,
      jobId: wire.jobId,
      tenantId: wire.tenantId,
      type: wire.type,
      status: wire.status,
      progress: wire.progress,
      message: wire.message ?? null,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the other listeners.
      }
    }
  }
}
