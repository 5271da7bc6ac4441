import { randomUUID } from "node:crypto";
import { createJobStatusJson, type JobRoutesQueue } from "@ledgerflow/jobs/http";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "../context.js";
import type { AppMetrics } from "../metrics/app-metrics.js";
import type { CachedAuthenticate } from "../middleware/auth.js";

const INCOMING_ID = /^[A-Za-z0-9_\-.:]{1,100}$/;
/** The route's label in ledgerflow_http_request_duration_seconds, as the full path records it. */
const ROUTE = "/api/jobs/:id";
/** JobIdParamsSchema's bounds. */
const MAX_ID_LENGTH = 200;

/** What the lean path answers a poll with: always a 200 with these two headers and this body. */
export interface LeanStatusAnswer {
  body: string;
  requestId: string;
}

/** The headers of a lean answer, in the order the normal route sends them. */
export function leanStatusHeaders(requestId: string): Record<string, string> {
  return { "content-type": "application/json", "x-request-id": requestId };
}

/**
 * The status poll's lean path, once per app: the Hono middleware mounted ahead of the app's chain and
 * the same answer for a caller ahead of Hono (runtime/http-server.ts), sharing one body cache.
 */
export interface LeanJobStatus {
  middleware: MiddlewareHandler<AppEnv>;
  /**
   * The 200 of a poll the lean path can answer, or null for anything else (the caller then passes the
   * request to the full app). `started` is the request's `performance.now()`; the latency sample and
   * the access-log line are recorded here when it answers.
   */
  answer(request: {
    method: string;
    /** Without the query string, as logged. */
    path: string;
    id: string;
    authorization: string | undefined;
    requestId: string | undefined;
    started: number;
  }): Promise<LeanStatusAnswer | null>;
}

/**
 * The lean path of `GET /api/jobs/:id`, the route every open browser tab polls. It answers a poll
 * whose token is in the auth cache with: one synchronous cache look-up for the credential (no
 * promise, no database), the tenant-scoped store read, and the job's JSON as built once per job
 * version ({@link createJobStatusJson}); plus the request id header and the latency sample every
 * request gets, and the access-log line only when the logger writes `info`. It skips what a
 * body-less GET does not need: body parsing, idempotency and write rate limits (reads are not
 * limited), the zod-openapi parameter validation (its one rule, 1–200 characters, is checked here)
 * and the per-request context object.
 *
 * Everything else goes down the normal path (`next()`, or null from `answer`), which gives the exact
 * answer of the full middleware chain: a token not cached (first request, expired, revoked → 401
 * there), a missing or odd Authorization header, an id out of bounds, an unknown or another tenant's
 * job (404), a store error. So the lean path only ever answers 200, with the same body and headers
 * as the normal route.
 */
export function createLeanJobStatus(options: {
  queue: Pick<JobRoutesQueue, "get">;
  authenticate: CachedAuthenticate;
  metrics: AppMetrics;
  logger: Logger;
}): LeanJobStatus {
  const { authenticate, metrics, logger } = options;
  const statusJson = createJobStatusJson(options.queue);
  const answer: LeanJobStatus["answer"] = async (request) => {
    const header = request.authorization;
    // Only the canonical "Bearer <token>" form; any other spelling is checked by bearerAuth.
    const principal = header?.startsWith("Bearer ") ? authenticate.peek(header.slice(7)) : undefined;
    if (principal === undefined || request.id.length > MAX_ID_LENGTH) return null;
    let body: string;
    try {
      body = await statusJson(principal.tenantId, request.id);
    } catch {
      return null;
    }
    const incoming = request.requestId;
    const requestId = incoming !== undefined && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    const seconds = (performance.now() - request.started) / 1000;
    metrics.observeHttp(request.method, ROUTE, 200, seconds);
    if (logger.isLevelEnabled("info")) {
      logger.info(
        { method: request.method, path: request.path, status: 200, ms: Math.round(seconds * 10_000) / 10 },
        "request",
      );
    }
    return { body, requestId };
  };
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    const id = c.req.param("id");
    if (id === undefined) return next();
    const lean = await answer({
      method: c.req.method,
      path: c.req.path,
      id,
      authorization: c.req.header("authorization"),
      requestId: c.req.header("x-request-id"),
      started,
    });
    if (lean === null) return next();
    return new Response(lean.body, { status: 200, headers: leanStatusHeaders(lean.requestId) });
  };
  return { middleware, answer };
}

/** The lean path as Hono middleware alone (see {@link createLeanJobStatus}). */
export function leanJobStatus(options: Parameters<typeof createLeanJobStatus>[0]): MiddlewareHandler<AppEnv> {
  return createLeanJobStatus(options).middleware;
}
