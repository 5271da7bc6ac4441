import { createRoute } from "@hono/zod-openapi";
import type { Queue, ScheduleInfo } from "@ledgerflow/jobs";
import { scheduleToWire } from "../domain/wire.js";
import { notFound } from "../errors.js";
import { errorResponses, json } from "../schemas/common.js";
import { ScheduleListSchema, ScheduleNameParams, ScheduleSchema } from "../schemas/schedules.js";
import { newRouter, type RouteDeps } from "./deps.js";

const list = createRoute({
  method: "get",
  path: "/api/schedules",
  tags: ["schedules"],
  summary: "The tenant's cron schedules (each company's nightly categorize), with their next fire time",
  responses: { 200: json(ScheduleListSchema, "Schedules, by name"), ...errorResponses(401) },
});

const pauseOrResume = (action: "pause" | "resume") =>
  createRoute({
    method: "post",
    path: `/api/schedules/{name}/${action}`,
    tags: ["schedules"],
    summary:
      action === "pause"
        ? "Pause a schedule: it enqueues nothing until resumed"
        : "Resume a schedule; fire times missed while paused are not caught up",
    request: { params: ScheduleNameParams },
    responses: { 200: json(ScheduleSchema, "The schedule"), ...errorResponses(401, 404, 429) },
  });

/** The tenant's schedule, or a 404 that looks the same for unknown and foreign names. */
async function tenantSchedule(queue: Queue, tenantId: string, name: string): Promise<ScheduleInfo> {
  const schedule = (await queue.schedules()).find((s) => s.name === name && s.tenantId === tenantId);
  if (!schedule) throw notFound("schedule", name);
  return schedule;
}

/**
 * Schedules live in the job store and are shared by every tenant; a tenant sees and changes only
 * its own (the server has no operator role over HTTP: the CLI, `ledgerflow schedules`, is that).
 */
export function scheduleRoutes({ queue }: RouteDeps) {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const mine = (await queue.schedules()).filter((s) => s.tenantId === c.var.tenantId);
    return c.json({ schedules: mine.map(scheduleToWire) }, 200);
  });
  for (const action of ["pause", "resume"] as const) {
    app.openapi(pauseOrResume(action), async (c) => {
      const { name } = c.req.valid("param");
      await tenantSchedule(queue, c.var.tenantId, name);
      const saved = await queue.setSchedulePaused(name, action === "pause");
      return c.json(scheduleToWire(saved), 200);
    });
  }
  return app;
}
