import { OpenAPIHono } from "@hono/zod-openapi";
import type { BooksDb } from "@ledgerflow/books";
import type { JobStatus, Queue } from "@ledgerflow/jobs";
import { createJobRoutes, errorBody, type JobRoutesQueue, validationHook } from "@ledgerflow/jobs/http";
import type { ErrorHandler } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "./context.js";
import { createDepthSampler, type DepthSampler } from "./domain/job-charts.js";
import { DEFAULT_NIGHTLY, type NightlySettings } from "./domain/nightly.js";
import { onAppError } from "./errors.js";
import { type AppMetrics, createAppMetrics } from "./metrics/app-metrics.js";
import { PROMETHEUS_CONTENT_TYPE } from "./metrics/registry.js";
import { type Authenticate, bearerAuth, isCachedAuthenticate } from "./middleware/auth.js";
import { idempotentPosts } from "./middleware/idempotency.js";
import { rateLimitWrites } from "./middleware/rate-limit.js";
import { requestContext } from "./middleware/request-context.js";
import { createTokenBuckets } from "./middleware/token-bucket.js";
import { httpTracing, tracingEnabled } from "./observability/tracing.js";
import { adminRoutes } from "./routes/admin.js";
import { companyRoutes } from "./routes/companies.js";
import type { RouteDeps } from "./routes/deps.js";
import { jobCommandRoutes } from "./routes/job-commands.js";
import { createLeanJobStatus, type LeanJobStatus } from "./routes/job-status.js";
import { journalRoutes } from "./routes/journal.js";
import { ruleRoutes } from "./routes/rules.js";
import { scheduleRoutes } from "./routes/schedules.js";
import { sessionRoutes } from "./routes/session.js";
import { systemRoutes } from "./routes/system.js";
import { transactionRoutes } from "./routes/transactions.js";
import type { BooksTransactionEnqueue } from "./runtime/books-transaction-enqueue.js";
import { DOCS_HTML } from "./web/docs-page.js";
import { mountWebApp } from "./web/static-web.js";

export interface AppOptions {
  db: BooksDb;
  queue: Queue;
  logger: Logger;
  authenticate: Authenticate;
  /** Default 10 MB. */
  uploadMaxBytes?: number;
  /** Writes per token: `burst` at once, refilled at `perSecond`. Default 60 and 20/s. */
  rateLimit?: { burst: number; perSecond: number };
  /** apps/web/dist when built; null serves a plain page at `/`. */
  webDist?: string | null;
  /** Jobs per status across all tenants, for /metrics. Default: summed over the tenants table. */
  countAllJobs?: () => Promise<Record<JobStatus, number>>;
  /** Interval of the SSE keep-alive comment; default 15 s. */
  sseHeartbeatMs?: number;
  /**
   * Where the SSE route listens for a job's changes. Default `queue.subscribe`; the server passes an
   * event hub that also carries the worker thread's events.
   */
  subscribe?: JobRoutesQueue["subscribe"];
  /**
   * Enqueues on an open books transaction (`Runtime.enqueueInBooksTransaction`): uploads then store the
   * import and its job in one transaction. Absent: two separate writes.
   */
  enqueueInBooksTransaction?: BooksTransactionEnqueue | null;
  /** Each new company's nightly schedule: NIGHTLY_CRON and NIGHTLY_TIMEZONE. Default 03:00 UTC. */
  nightly?: NightlySettings;
  /** The engine's metrics (@ledgerflow/jobs/metrics), appended to /metrics. Absent: the app's only. */
  engineMetrics?: () => Promise<string>;
  /** Queue depth over time for the operator charts; serve starts its timer. Default: sampled on request only. */
  depthSampler?: DepthSampler;
}

export interface App {
  app: OpenAPIHono<AppEnv>;
  metrics: AppMetrics;
  /**
   * The status poll's lean path the app mounts, for the server to answer polls with before Hono
   * (runtime/http-server.ts); null when it is not mounted (no auth cache, or tracing on).
   */
  statusPoll: LeanJobStatus | null;
}

/**
 * The whole HTTP surface: the job API from @ledgerflow/jobs/http, the bookkeeping routes, docs,
 * health, metrics and the web app. Pure wiring: it opens nothing, so tests build it around a
 * memory queue and a temporary database and call `app.request()`.
 */
export function createApp(options: AppOptions): App {
  const { db, queue, logger } = options;
  const metrics = createAppMetrics({
    countJobs: options.countAllJobs ?? (() => countJobsOfAllTenants(db, queue)),
  });
  const deps: RouteDeps = {
    db,
    queue,
    uploadMaxBytes: options.uploadMaxBytes ?? 10 * 1024 * 1024,
    enqueueInBooksTransaction: options.enqueueInBooksTransaction ?? null,
    nightly: options.nightly ?? DEFAULT_NIGHTLY,
  };
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  const tracing = tracingEnabled();
  if (tracing) app.use("*", httpTracing());
  // Ahead of every middleware: the status poll's lean path (routes/job-status.ts). It needs the auth
  // cache's synchronous look-up, and is left out when each request must carry a trace span.
  const statusPoll =
    !tracing && isCachedAuthenticate(options.authenticate)
      ? createLeanJobStatus({ queue, authenticate: options.authenticate, metrics, logger })
      : null;
  if (statusPoll) app.get("/api/jobs/:id", statusPoll.middleware);
  app.use("*", requestContext(logger, metrics));
  app.onError(onAppError);
  app.notFound((c) =>
    c.json(errorBody("not_found", `No route ${c.req.method} ${c.req.path}; see /docs.`), 404),
  );

  app.use("/api/*", bearerAuth(options.authenticate));
  app.use("/api/*", rateLimitWrites(createTokenBuckets(options.rateLimit ?? { burst: 60, perSecond: 20 })));
  app.use("/api/*", idempotentPosts());

  app.route("/", sessionRoutes({ db, authenticate: options.authenticate }));
  app.route("/", jobCommandRoutes(deps));
  app.route(
    "/",
    createJobRoutes({
      queue: jobRoutesQueue(queue, options.subscribe),
      // c.get, not c.var: Hono builds a fresh object of every variable on each c.var access.
      resolveTenant: (c) => (c as unknown as { get(key: "tenantId"): string }).get("tenantId"),
      onError: onAppError as unknown as ErrorHandler,
      ...(options.sseHeartbeatMs ? { sseHeartbeatMs: options.sseHeartbeatMs } : {}),
    }),
  );
  app.route("/", companyRoutes(deps));
  app.route("/", transactionRoutes(deps));
  app.route("/", ruleRoutes(deps));
  app.route("/", journalRoutes(deps));
  app.route("/", scheduleRoutes(deps));
  app.route("/", adminRoutes({ queue, depth: options.depthSampler ?? createDepthSampler(queue) }));
  app.route("/", systemRoutes({ db, queue, metrics, engineMetrics: options.engineMetrics ?? null }));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "Ledgerflow API",
      version: "0.1.0",
      description: "Background jobs and bookkeeping. Every /api route needs Authorization: Bearer <token>.",
    },
    security: [{ bearer: [] }],
  });
  app.get("/docs", (c) => c.html(DOCS_HTML));
  mountWebApp(app, options.webDist ?? null);
  return { app, metrics, statusPoll };
}

function jobRoutesQueue(queue: Queue, subscribe?: JobRoutesQueue["subscribe"]): JobRoutesQueue {
  return {
    get: (tenantId, id) => queue.get(tenantId, id),
    list: (query) => queue.list(query),
    counts: (tenantId, type) => queue.counts(tenantId, type),
    cancel: (tenantId, id) => queue.cancel(tenantId, id),
    retry: (tenantId, id) => queue.retry(tenantId, id),
    delete: (tenantId, id) => queue.delete(tenantId, id),
    subscribe: subscribe ?? ((jobId, listener) => queue.subscribe(jobId, listener)),
    flow: (tenantId, id, flowOptions) => queue.flow(tenantId, id, flowOptions),
  };
}

async function countJobsOfAllTenants(db: BooksDb, queue: Queue): Promise<Record<JobStatus, number>> {
  const tenants = await db.selectFrom("tenants").select("id").execute();
  const total: Record<JobStatus, number> = { pending: 0, running: 0, complete: 0, failed: 0, cancelled: 0 };
  for (const { id } of tenants) {
    const counts = await queue.counts(id);
    for (const status of Object.keys(total) as JobStatus[]) total[status] += counts[status] ?? 0;
  }
  return total;
}

export { PROMETHEUS_CONTENT_TYPE };
