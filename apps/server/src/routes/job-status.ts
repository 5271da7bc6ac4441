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

/**
 * The lean path of `GET /api/jobs/:id`, the route every open browser tab polls. Mounted ahead of the
 * app's middleware, it answers a poll whose token is in the auth cache with: one synchronous cache
 * look-up for the credential (no promise, no database), the tenant-scoped store read, and the job's
 * JSON as built once per job version ({@link createJobStatusJson}); plus the request id header and the
 * latency sample every request gets, and the access-log line only when the logger writes `info`.
 * It skips what a body-less GET does not need: body parsing, idempotency and write rate limits (reads
 * are not limited), the zod-openapi parameter validation (its one rule, 1–200 characters, is checked
 * here) and the per-request context object.
 *
 * Everything else goes down the normal path (`next()`), which gives the exact answer of the full
 * middleware chain: a token not cached (first request, expired, revoked → 401 there), a missing or
 * odd Authorization header, an id out of bounds, an unknown or another tenant's job (404), a store
 * error. So the lean path only ever answers 200, with the same body and headers as the normal route.
 */
export function leanJobStatus(options: {
  queue: Pick<JobRoutesQueue, "get">;
  authenticate: CachedAuthenticate;
  metrics: AppMetrics;
  logger: Logger;
}): MiddlewareHandler<AppEnv> {
  const { authenticate, metrics, logger } = options;
  const statusJson = createJobStatusJson(options.queue);
  return async (c, next) => {
    const started = performance.now();
    const header = c.req.header("authorization");
    // Only the canonical "Bearer <token>" form; any other spelling is checked by bearerAuth.
    const principal = header?.startsWith("Bearer ") ? authenticate.peek(header.slice(7)) : undefined;
    const id = c.req.param("id");
    if (principal === undefined || id === undefined || id.length > MAX_ID_LENGTH) return next();
    let body: string;
    try {
      body = await statusJson(principal.tenantId, id);
    } catch {
      return next();
    }
    const incoming = c.req.header("x-request-id");
    const requestId = incoming !== undefined && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    const seconds = (performance.now() - started) / 1000;
    metrics.observeHttp(c.req.method, ROUTE, 200, seconds);
    if (logger.isLevelEnabled("info")) {
      logger.info(
        { method: c.req.method, path: c.req.path, status: 200, ms: Math.round(seconds * 10_000) / 10 },
        "request",
      );
    }
    return new Response(body, {
      status: 200,
      headers: { "content-type": "application/json", "x-request-id": requestId },
    });
  };
}
