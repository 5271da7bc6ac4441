import pg from "pg";
import type { JobEvent, JobEventListener } from "../types.js";

/** Reconnect delays after the LISTEN connection drops: quick at first, capped so a down server is not hammered. */
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/** One NOTIFY payload: the events of one statement (or a chunk of them) and who wrote them. */
interface WirePayload {
  o?: string;
  events?: JobEvent[];
}

/**
 * The store's event fan-out. Its own writes are delivered to local listeners as soon as the statement
 * returns (so a subscriber in this process sees them without a round trip); every other process's
 * writes arrive through LISTEN on one dedicated connection, and this instance's own echoes are skipped
 * by origin. The connection is opened on the first subscription and reopened whenever it drops; events
 * published while it was down are missed, which is why readers poll the job as the source of truth.
 */
export class PgEvents {
  private readonly listeners = new Set<JobEventListener>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = RECONNECT_MIN_MS;
  private closed = false;

  constructor(
    private readonly clientConfig: pg.ClientConfig,
    private readonly channel: string,
    readonly origin: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    if (!this.closed) void this.listening().catch(() => undefined);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the store's write or the other listeners.
      }
    }
  }

  /** Resolves once LISTEN is active (tests wait on it before writing from another process). */
  listening(): Promise<void> {
    if (this.client !== null) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.clientConfig);
    client.on("error", (error) => this.dropped(client, error));
    client.on("end", () => this.dropped(client, null));
    client.on("notification", (message) => this.deliver(message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelay = RECONNECT_MIN_MS;
  }

  private dropped(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    if (error !== null) this.onError(error);
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== null || this.listeners.size === 0) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listening().catch(() => undefined);
    }, delay);
    // A pending reconnect must not keep the process alive on its own.
    this.reconnectTimer.unref();
  }

  private deliver(payload: string | undefined): void {
    if (payload === undefined || this.listeners.size === 0) return;
    let wire: WirePayload;
    try {
      wire = JSON.parse(payload) as WirePayload;
    } catch {
      return;
    }
    if (wire.o === this.origin || !Array.isArray(wire.events)) return;
    for (const event of wire.events) {
      this.emit({
        kind: event.kind,
        jobId: event.jobId,
        tenantId: event.tenantId,
        type: event.type,
        status: event.status,
        progress: event.progress,
        message: event.message ?? null,
      });
    }
  }
}
