import { Worker as Thread } from "node:worker_threads";
import type { JobEvent } from "@ledgerflow/jobs";
import type { Config } from "../config.js";

/** Messages from the worker thread (see worker-thread-main.ts). */
export type ThreadMessage =
  | { type: "ready"; workerId: string }
  | { type: "event"; event: JobEvent }
  | { type: "stopped" }
  | { type: "metrics"; id: number; metrics: unknown[] }
  | { type: "error"; message: string };

export interface WorkerThread {
  /** Resolves once the thread's worker is claiming jobs. */
  ready: Promise<string>;
  /** Stops claiming, lets running jobs finish within the grace period, then ends the thread. */
  stop(): Promise<void>;
  /** The thread's engine metrics (prom-client JSON), for the main thread's /metrics. */
  metrics(): Promise<unknown[]>;
}

/**
 * Runs the job worker on its own thread with its own database connections, so a CPU-heavy job
 * (a 100,000-row import parses and fingerprints for seconds) never stalls the HTTP event loop: the
 * seed's thread pool. Only for stores another connection can see (durable ones); events the store
 * does not carry across connections are forwarded to `onEvent`.
 */
export function startWorkerThread(
  config: Config,
  options: { forwardEvents: boolean; onEvent: (event: JobEvent) => void },
): WorkerThread {
  const thread = new Thread(new URL("./worker-thread-entry.mjs", import.meta.url), {
    workerData: { config, forwardEvents: options.forwardEvents },
  });
  let stopped: () => void = () => undefined;
  let nextRequest = 0;
  const metricRequests = new Map<number, (metrics: unknown[]) => void>();
  const stoppedPromise = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const ready = new Promise<string>((resolve, reject) => {
    thread.on("message", (message: ThreadMessage) => {
      if (message.type === "ready") resolve(message.workerId);
      else if (message.type === "event") options.onEvent(message.event);
      else if (message.type === "stopped") stopped();
      else if (message.type === "metrics") {
        metricRequests.get(message.id)?.(message.metrics);
        metricRequests.delete(message.id);
      } else if (message.type === "error") reject(new Error(`worker thread: ${message.message}`));
    });
    thread.once("error", reject);
    thread.once("exit", (code) => {
      stopped();
      reject(new Error(`worker thread exited with ${code} before it was ready`));
    });
  });
  return {
    ready,
    metrics() {
      const id = nextRequest++;
      return new Promise<unknown[]>((resolve, reject) => {
        metricRequests.set(id, resolve);
        thread.postMessage({ type: "metrics", id });
        setTimeout(() => {
          if (metricRequests.delete(id))
            reject(new Error("the worker thread did not answer for its metrics"));
        }, 2000).unref();
      });
    },
    async stop() {
      thread.postMessage({ type: "stop" });
      await stoppedPromise;
      await thread.terminate();
    },
  };
}
