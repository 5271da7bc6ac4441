import { serve as serveHttp } from "@hono/node-server";
import { createWorker, startSweeper, type Worker } from "@ledgerflow/jobs";
import { createApp } from "../app.js";
import type { Config } from "../config.js";
import { seedDemoTenant } from "../domain/demo.js";
import { createLogger } from "../logger.js";
import { openRuntime } from "../runtime/open.js";
import { onShutdownSignal } from "./signals.js";
import { taskLogger } from "./task-logger.js";

/**
 * `ledgerflow serve`: API + worker + retention sweeper in one process. SIGTERM/SIGINT: stop
 * accepting connections and claims, let running jobs finish within the grace period, then exit.
 */
export async function serveCommand(
  config: Config,
  options: { worker: boolean; webDist: string | null; json: boolean },
) {
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  const demo = await seedDemoTenant(runtime.db, config.demoToken);
  const { app, metrics } = createApp({
    db: runtime.db,
    queue: runtime.queue,
    logger,
    authenticate: runtime.authenticate,
    uploadMaxBytes: config.uploadMaxBytes,
    rateLimit: config.rateLimit,
    webDist: options.webDist,
  });
  const offMetrics = runtime.queue.onEvent(metrics.observeJobEvent);
  let worker: Worker | null = null;
  let sweeper: ReturnType<typeof startSweeper> | null = null;
  if (options.worker) {
    worker = createWorker(runtime.queue, {
      concurrency: config.workerConcurrency,
      shutdownGraceMs: config.shutdownGraceMs,
      logger: taskLogger(logger),
    });
    worker.start();
    sweeper = startSweeper(runtime.queue, { logger: taskLogger(logger) });
  }

  const server = await new Promise<ReturnType<typeof serveHttp>>((resolve, reject) => {
    const s = serveHttp({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once("error", reject);
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
    process.stdout.write(
      [
        "",
        `  Ledgerflow is running at ${url}`,
        `  Sign in with the token: ${demo.token}`,
        `  Demo company: ${demo.companyId}    API docs: ${url}/docs`,
        `  Jobs store: ${runtime.queue.store.name}${options.worker ? `, worker with ${config.workerConcurrency} slots` : ", no worker (--no-worker)"}`,
        "",
        "",
      ].join("\n"),
    );
  }

  onShutdownSignal(logger, async () => {
    // Stop accepting first; open keep-alive and SSE connections are closed so close() can finish.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    await Promise.all([worker?.stop(), sweeper?.stop()]);
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    await closed;
    offMetrics();
    await runtime.close();
    process.stdout.write("Ledgerflow stopped.\n");
  });
}
