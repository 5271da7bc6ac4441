import { createWorker, startSweeper } from "@ledgerflow/jobs";
import type { Config } from "../config.js";
import { createLogger } from "../logger.js";
import { openRuntime } from "../runtime/open.js";
import { onShutdownSignal } from "./signals.js";
import { taskLogger } from "./task-logger.js";

/** `ledgerflow worker`: claims and runs jobs (and sweeps expired ones) until SIGTERM. */
export async function workerCommand(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  const worker = createWorker(runtime.queue, {
    concurrency: config.workerConcurrency,
    leaseMs: config.jobLeaseMs,
    shutdownGraceMs: config.shutdownGraceMs,
    logger: taskLogger(logger),
  });
  worker.start();
  const sweeper = startSweeper(runtime.queue, { logger: taskLogger(logger) });
  logger.info(
    { worker: worker.id, store: runtime.queue.store.name, slots: config.workerConcurrency },
    "worker started",
  );
  onShutdownSignal(logger, async () => {
    await Promise.all([worker.stop(), sweeper.stop()]);
    await runtime.close();
  });
}
