/**
 * What every benchmarked system offers the workloads: our engine on any JobStore, or BullMQ. The
 * workloads only talk to this interface, so a system joins the benchmark with one adapter.
 */
export interface BenchPayload {
  i: number;
  /** performance.now() when enqueued: set by workloads that time enqueue → start from the handler. */
  sentAt?: number;
}

export interface BenchJob {
  id: string;
  input: BenchPayload;
  /** Reports progress the way the system's handlers do (ours: ctx.progress; BullMQ: job.updateProgress). */
  progress(percent: number, message: string): unknown;
  /** A durable step (ours: ctx.step); systems without steps leave it out. */
  step?<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
}

export type BenchHandler = (job: BenchJob) => Promise<unknown> | unknown;

export interface BenchSystem {
  /** One job per call, for `tenant` (default: one bench tenant; systems without tenants ignore it). */
  enqueue(input: BenchPayload, tenant?: string): Promise<string>;
  /** Many jobs in one call (ours: enqueueMany; BullMQ: addBulk). */
  enqueueBulk(inputs: readonly BenchPayload[], tenant?: string): Promise<string[]>;
  /** Starts a worker pool in this process; every job runs `handler` (replaced on each call). */
  startWorker(handler: BenchHandler, concurrency: number): Promise<void>;
  stopWorker(): Promise<void>;
  /** Called once per job that completed (after the system recorded it). */
  onCompleted(listener: (jobId: string) => void): () => void;
  /** What GET /api/jobs/:id needs: the job with its status and progress. */
  readStatus(jobId: string): Promise<{ status: string }>;
  /** Stops everything and deletes what setup created. */
  close(): Promise<void>;
}

/**
 * One column of the results table. Adding a store (postgres, redis) to the benchmark is one more entry
 * in targets.ts: a name, a setup that returns a fresh, isolated system, and optionally why it is
 * unavailable on this machine (then it is skipped with that reason).
 */
export interface BenchTarget {
  name: string;
  /** null when the target can run here, else the reason it cannot (e.g. Redis not reachable). */
  unavailable?: () => Promise<string | null>;
  setup(): Promise<BenchSystem>;
}

/** The child process prints its figures on one stdout line starting with this. */
export const RESULT_PREFIX = "BENCH_RESULT ";
