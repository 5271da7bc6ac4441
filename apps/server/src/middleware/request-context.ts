import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "pino";
import type { AppEnv } from "../context.js";
import type { AppMetrics } from "../metrics/app-metrics.js";

const INCOMING_ID = /^[A-Za-z0-9_\-.:]{1,100}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane, else a new one), a child
 * logger carrying it, one access-log line and one latency sample. Paths are logged without the
 * query string, and headers are never logged, so no credential reaches the logs.
 */
export function requestContext(logger: Logger, metrics: AppMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    c.set("requestId", requestId);
    // The shared logger, not a child per request: a pino child costs more than the status read
    // itself. Lines that need the request id carry it as a field.
    c.set("log", logger);
    c.header("X-Request-Id", requestId);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const pattern = routePath(c, -1);
    const route = pattern === "*" || pattern === "/*" ? "other" : pattern;
    metrics.observeHttp(c.req.method, route, c.res.status, seconds);
    const line = {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(seconds * 10_000) / 10,
    };
    // c.get, not c.var: Hono builds a fresh object of every variable on each c.var access.
    if (c.res.status >= 500) c.get("log").error(line, "request");
    else c.get("log").info(line, "request");
  };
}
