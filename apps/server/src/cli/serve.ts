import { createWorker, startSweeper } from "@ledgerflow/jobs";
import { createApp } from "../app.js";
import { type Config, ConfigError } from "../config.js";
import { seedDemoTenant } from "../domain/demo.js";
import { createDepthSampler } from "../domain/job-charts.js";
import { reconcileNightlySchedules } from "../domain/nightly.js";
import { createLogger } from "../logger.js";
import { engineMetricsText } from "../observability/engine-metrics.js";
import { createEventHub } from "../runtime/event-hub.js";
import { createAppServer } from "../runtime/http-server.js";
import { openRuntime } from "../runtime/open.js";
import { startWorkerThread } from "../runtime/worker-thread.js";
import { onShutdownSignal } from "./signals.js";
import { taskLogger } from "./task-logger.js";

/**
 * `ledgerflow serve`: API + worker + retention sweeper in one process. The worker runs on a thread
 * of its own (WORKER_MODE=thread, the default, for any store another connection can read), so a
 * long import never delays a status poll. SIGTERM/SIGINT: stop accepting connections and claims,
 * let running jobs finish within the grace period, then exit.
 */
export async function serveCommand(
  config: Config,
  options: { worker: boolean; webDist: string | null; json: boolean },
) {
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  // Set once the worker thread runs: its attempts' counters live there.
  const threadMetrics: { read: (() => Promise<unknown[]>) | null } = { read: null };
  const demo = await seedDemoTenant(runtime.db, config.demoToken);
  await ensureNightlySchedules(runtime, logger);
  const hub = createEventHub(runtime.queue);
  const depthSampler = createDepthSampler(runtime.queue);
  depthSampler.start();
  const { app, metrics, statusPoll } = createApp({
    db: runtime.db,
    queue: runtime.queue,
    logger,
    authenticate: runtime.authenticate,
    uploadMaxBytes: config.uploadMaxBytes,
    rateLimit: config.rateLimit,
    webDist: options.webDist,
    subscribe: hub.subscribe,
    enqueueInBooksTransaction: runtime.enqueueInBooksTransaction,
    nightly: config.nightly,
    engineMetrics: () => engineMetricsText(runtime.observability.metrics, runtime.queue, threadMetrics.read),
    depthSampler,
  });
  const offMetrics = hub.onEvent(metrics.observeJobEvent);

  const stopWorker = await startJobWorker(
    config,
    runtime,
    options.worker,
    hub.publish,
    logger,
    threadMetrics,
  );
  const sweeper = options.worker ? startSweeper(runtime.queue, { logger: taskLogger(logger) }) : null;

  // Hono's node listener, with the status poll answered ahead of it (runtime/http-server.ts).
  const server = createAppServer({ fetch: app.fetch, statusPoll, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${shownHost}:${port}`;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ url, token: demo.token, tenant_id: demo.tenantId, company_id: demo.companyId })}\n`,
    );
  } else {
    const worker = !options.worker
      ? "no worker (--no-worker)"
      : `worker with ${config.workerConcurrency} slots${runtime.queue.store.capabilities.durable && config.workerMode === "thread" ? " on its own thread" : ""}`;
    process.stdout.write(
      [
        "",
        `  Ledgerflow is running at ${url}`,
        `  Sign in with the token: ${demo.token}`,
        `  Demo company: ${demo.companyId}    API docs: ${url}/docs`,
        `  Operator view of Background jobs: ledgerflow tenants operator-token ${demo.tenantId}`,
        `  Jobs store: ${runtime.queue.store.name}, ${worker}`,
        "",
        "",
      ].join("\n"),
    );
  }

  onShutdownSignal(logger, async () => {
    // Stop accepting first; idle keep-alive connections are closed now, busy ones once answered.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    depthSampler.stop();
    await Promise.all([stopWorker(), sweeper?.stop()]);
    // Whatever is still open now (SSE streams, slow clients) is cut so the process can end.
    server.closeAllConnections();
    await closed;
    offMetrics();
    await runtime.close();
    process.stdout.write("Ledgerflow stopped.\n");
  });
}

type Runtime = Awaited<ReturnType<typeof openRuntime>>;

/** Every company's nightly schedule (the demo company's too); a bad NIGHTLY_CRON stops start-up. */
async function ensureNightlySchedules(runtime: Runtime, logger: ReturnType<typeof createLogger>) {
  try {
    const outcome = await reconcileNightlySchedules(runtime.db, runtime.queue, runtime.config.nightly);
    if (outcome.created + outcome.updated + outcome.removed > 0) logger.debug(outcome, "nightly schedules");
  } catch (error) {
    if (error instanceof TypeError) {
      await runtime.close();
      throw new ConfigError(`Invalid configuration: NIGHTLY_CRON: ${error.message}`);
    }
    throw error;
  }
}

/** Starts the worker as configured; returns how to stop it (a no-op with --no-worker). */
async function startJobWorker(
  config: Config,
  runtime: Runtime,
  enabled: boolean,
  publish: (event: Parameters<ReturnType<typeof createEventHub>["publish"]>[0]) => void,
  logger: ReturnType<typeof createLogger>,
  threadMetrics: { read: (() => Promise<unknown[]>) | null },
): Promise<() => Promise<void>> {
  if (!enabled) return async () => undefined;
  const { capabilities } = runtime.queue.store;
  // A memory store lives in this thread's heap: its worker must too.
  if (config.workerMode === "thread" && capabilities.durable) {
    const thread = startWorkerThread(config, {
      forwardEvents: !capabilities.crossProcessEvents,
      onEvent: publish,
    });
    await thread.ready;
    threadMetrics.read = () => thread.metrics();
    return () => thread.stop();
  }
  const worker = createWorker(runtime.queue, {
    concurrency: config.workerConcurrency,
    leaseMs: config.jobLeaseMs,
    shutdownGraceMs: config.shutdownGraceMs,
    logger: taskLogger(logger),
  });
  worker.start();
  return () => worker.stop();
}
