import { createRoute, z } from "@hono/zod-openapi";
import type { BooksDb } from "@ledgerflow/books";
import type { Queue } from "@ledgerflow/jobs";
import { sql } from "kysely";
import type { AppMetrics } from "../metrics/app-metrics.js";
import { PROMETHEUS_CONTENT_TYPE } from "../metrics/registry.js";
import { json } from "../schemas/common.js";
import { newRouter } from "./deps.js";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    database: z.boolean(),
    jobs_store: z.string(),
    uptime_s: z.number(),
  })
  .openapi("Health");

const health = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["system"],
  summary: "Liveness and readiness: the database and the job store answer",
  security: [],
  responses: { 200: json(HealthSchema, "Healthy"), 503: json(HealthSchema, "A dependency does not answer") },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["system"],
  summary: "Prometheus metrics: jobs by status, queue depth, job durations, HTTP latency",
  security: [],
  responses: {
    200: { description: "Prometheus text format", content: { "text/plain": { schema: z.string() } } },
  },
});

const startedAt = Date.now();

export function systemRoutes({
  db,
  queue,
  metrics,
  engineMetrics,
}: {
  db: BooksDb;
  queue: Queue;
  metrics: AppMetrics;
  engineMetrics: (() => Promise<string>) | null;
}) {
  const app = newRouter();
  app.openapi(health, async (c) => {
    const database = await sql`select 1 as ok`.execute(db).then(
      () => true,
      () => false,
    );
    const store = await queue.counts("__healthz__").then(
      () => true,
      () => false,
    );
    const body = {
      status: database && store ? ("ok" as const) : ("unavailable" as const),
      database,
      jobs_store: store ? queue.store.name : `${queue.store.name} (unavailable)`,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    };
    return c.json(body, body.status === "ok" ? 200 : 503);
  });
  app.openapi(metricsRoute, async (c) => {
    const app = await metrics.render();
    const engine = engineMetrics === null ? "" : await engineMetrics();
    return c.text(engine ? `${app.trimEnd()}\n${engine}` : app, 200, {
      "Content-Type": PROMETHEUS_CONTENT_TYPE,
    });
  });
  return app;
}
