import type { TaskLogger } from "../types.js";

export interface WorkerOptions {
  /** Handlers running at once. Default 10. */
  concurrency?: number;
  /** How long a claimed job stays ours without a heartbeat. Default 30 s. */
  leaseMs?: number;
  /** Default leaseMs / 3, so two heartbeats can fail before the lease lapses. */
  heartbeatMs?: number;
  /** How often an idle worker looks for due jobs (local enqueues wake it at once). Default 500 ms. */
  pollIntervalMs?: number;
  /** How often expired leases (dead workers) are reclaimed. Default leaseMs / 2. */
  reclaimIntervalMs?: number;
  /** How long stop() waits for running handlers before aborting and releasing them. Default 10 s. */
  shutdownGraceMs?: number;
  workerId?: string;
  logger?: TaskLogger;
  /** For backoff jitter; injectable for deterministic tests. */
  random?: () => number;
  /** Fire the store's cron schedules from this worker (every process may; one job per fire). Default true. */
  schedules?: boolean;
  /** How often due schedules are looked for. Default 1000 ms. */
  scheduleIntervalMs?: number;
  /** How often the store's paused task types are re-read (queue.setTaskPaused). Default 1000 ms. */
  pausedRefreshMs?: number;
}

export interface Worker {
  readonly id: string;
  /** Attempts holding a slot now: running, or finished and waiting for room to write their outcome. */
  readonly active: number;
  start(): void;
  /**
   * Stops claiming, waits up to shutdownGraceMs for running handlers, then aborts and releases the rest;
   * resolves once every outcome write has been answered.
   */
  stop(): Promise<void>;
}

/** The options with every default applied and checked once, so the hot path reads plain fields. */
export interface WorkerSettings {
  id: string;
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  pollIntervalMs: number;
  reclaimIntervalMs: number;
  shutdownGraceMs: number;
  logger: TaskLogger;
  random: () => number;
  schedules: boolean;
  scheduleIntervalMs: number;
  pausedRefreshMs: number;
}

const consoleLogger: TaskLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[jobs] ${message}`, fields ?? ""),
  error: (message, fields) => console.error(`[jobs] ${message}`, fields ?? ""),
};

export function workerSettings(options: WorkerOptions): WorkerSettings {
  const leaseMs = options.leaseMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.floor(leaseMs / 3);
  if (!(leaseMs > 0) || !(heartbeatMs > 0) || heartbeatMs >= leaseMs) {
    throw new TypeError(
      `Worker options: heartbeatMs (${heartbeatMs}) must be positive and shorter than leaseMs (${leaseMs}), ` +
        "or leases expire while jobs are still running. Leave heartbeatMs out to use leaseMs / 3.",
    );
  }
  return {
    id: options.workerId ?? `worker_${process.pid}_${Math.random().toString(36).slice(2, 10)}`,
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 10)),
    leaseMs,
    heartbeatMs,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    reclaimIntervalMs: options.reclaimIntervalMs ?? Math.floor(leaseMs / 2),
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    logger: options.logger ?? consoleLogger,
    random: options.random ?? Math.random,
    schedules: options.schedules ?? true,
    scheduleIntervalMs: options.scheduleIntervalMs ?? 1000,
    pausedRefreshMs: options.pausedRefreshMs ?? 1000,
  };
}
