import { createRoute } from "@hono/zod-openapi";
import type { Queue, ScheduleInfo } from "@ledgerflow/jobs";
import { scheduleToWire } from "../domain/wire.js";
import { notFound } from "../errors.js";
import { errorResponses, json } from "../schemas/common.js";
import {
  AdminScheduleListSchema,
  AdminScheduleSchema,
  ScheduleListSchema,
  ScheduleNameParams,
  ScheduleSchema,
} from "../schemas/schedules.js";
import { requireOperator } from "./admin.js";
import { newRouter, type RouteDeps } from "./deps.js";

type Action = "pause" | "resume";

const summaryOf = (action: Action) =>
  action === "pause"
    ? "Pause a schedule: it enqueues nothing until resumed"
    : "Resume a schedule; fire times missed while paused are not caught up";

const list = createRoute({
  method: "get",
  path: "/api/schedules",
  tags: ["schedules"],
  summary: "The tenant's cron schedules (each company's nightly categorize), with their next fire time",
  responses: { 200: json(ScheduleListSchema, "Schedules, by name"), ...errorResponses(401) },
});

const pauseOrResume = (action: Action) =>
  createRoute({
    method: "post",
    path: `/api/schedules/{name}/${action}`,
    tags: ["schedules"],
    summary: summaryOf(action),
    request: { params: ScheduleNameParams },
    responses: { 200: json(ScheduleSchema, "The schedule"), ...errorResponses(401, 404, 429) },
  });

// The operator's routes check the role themselves (route middleware), whatever the mounting order.
const adminList = createRoute({
  method: "get",
  path: "/api/admin/schedules",
  tags: ["operator"],
  summary: "Every tenant's cron schedules, with their tenant and next fire time",
  middleware: [requireOperator] as const,
  responses: { 200: json(AdminScheduleListSchema, "Schedules, by name"), ...errorResponses(401, 403) },
});

const adminPauseOrResume = (action: Action) =>
  createRoute({
    method: "post",
    path: `/api/admin/schedules/{name}/${action}`,
    tags: ["operator"],
    summary: `${summaryOf(action)} (any tenant's)`,
    middleware: [requireOperator] as const,
    request: { params: ScheduleNameParams },
    responses: {
      200: json(AdminScheduleSchema, "The schedule"),
      ...errorResponses(401, 403, 404, 429),
    },
  });

const adminScheduleToWire = (s: ScheduleInfo) => ({ ...scheduleToWire(s), tenant_id: s.tenantId });

/** The schedule named, if `tenantId` is null (an operator) or owns it; else a 404 like an unknown name. */
async function findSchedule(queue: Queue, tenantId: string | null, name: string): Promise<ScheduleInfo> {
  const schedule = (await queue.schedules()).find(
    (s) => s.name === name && (tenantId === null || s.tenantId === tenantId),
  );
  if (!schedule) throw notFound("schedule", name);
  return schedule;
}

/**
 * Schedules live in the job store and are shared by every tenant: a tenant sees and changes only its
 * own under /api/schedules; an operator (api_tokens.operator) sees and changes every tenant's under
 * /api/admin/schedules, as with jobs.
 */
export function scheduleRoutes({ queue }: RouteDeps) {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const mine = (await queue.schedules()).filter((s) => s.tenantId === c.var.tenantId);
    return c.json({ schedules: mine.map(scheduleToWire) }, 200);
  });
  app.openapi(adminList, async (c) =>
    c.json({ schedules: (await queue.schedules()).map(adminScheduleToWire) }, 200),
  );
  for (const action of ["pause", "resume"] as const) {
    app.openapi(pauseOrResume(action), async (c) => {
      const { name } = c.req.valid("param");
      await findSchedule(queue, c.var.tenantId, name);
      return c.json(scheduleToWire(await queue.setSchedulePaused(name, action === "pause")), 200);
    });
    app.openapi(adminPauseOrResume(action), async (c) => {
      const { name } = c.req.valid("param");
      await findSchedule(queue, null, name);
      return c.json(adminScheduleToWire(await queue.setSchedulePaused(name, action === "pause")), 200);
    });
  }
  return app;
}
