import { parentPort, workerData } from "node:worker_threads";
import { createWorker } from "@ledgerflow/jobs";
import { taskLogger } from "../cli/task-logger.js";
import type { Config } from "../config.js";
import { createLogger } from "../logger.js";
import { openRuntime } from "./open.js";
import type { ThreadMessage } from "./worker-thread.js";

/**
 * Inside the worker thread: its own books connection, job store connection and worker pool.
 * An idle worker here is not woken by the main thread's enqueues (another connection), so it polls
 * every 100 ms: a cheap indexed read, and a job starts within 0.1 s of its POST.
 */
const POLL_MS = 100;

const { config, forwardEvents } = workerData as { config: Config; forwardEvents: boolean };
const port = parentPort!;
const send = (message: ThreadMessage) => port.postMessage(message);

try {
  const logger = createLogger(config.logLevel).child({ thread: "worker" });
  const runtime = await openRuntime(config, logger);
  const off = forwardEvents
    ? runtime.queue.onEvent((event) => send({ type: "event", event }))
    : () => undefined;
  const worker = createWorker(runtime.queue, {
    concurrency: config.workerConcurrency,
    leaseMs: config.jobLeaseMs,
    shutdownGraceMs: config.shutdownGraceMs,
    pollIntervalMs: POLL_MS,
    logger: taskLogger(logger),
  });
  worker.start();
  send({ type: "ready", workerId: worker.id });
  port.on("message", async (message: { type: string; id?: number }) => {
    if (message.type === "metrics") {
      const metrics = await runtime.observability.metrics.registry.getMetricsAsJSON();
      send({ type: "metrics", id: message.id ?? 0, metrics });
      return;
    }
    if (message.type !== "stop") return;
    await worker.stop();
    off();
    await runtime.close();
    send({ type: "stopped" });
  });
} catch (error) {
  send({ type: "error", message: error instanceof Error ? error.message : String(error) });
}
