import { z } from "@hono/zod-openapi";

/** A cron schedule of the tenant's, as the dashboard shows it. Times are ISO 8601 (UTC). */
export const ScheduleSchema = z
  .object({
    name: z.string().openapi({ example: "nightly:company-co_demo" }),
    task: z.string().openapi({ example: "categorize_transactions" }),
    cron: z.string().openapi({ example: "0 3 * * *", description: "minute hour day month weekday" }),
    timezone: z
      .string()
      .openapi({ example: "Europe/Paris", description: "IANA time zone the cron is read in" }),
    input: z.unknown().openapi({ example: { company_id: "co_demo", limit: 50000 } }),
    paused: z.boolean(),
    last_fire_at: z.string().nullable().openapi({ description: "The last fire time a job was enqueued for" }),
    next_fire_at: z.string().nullable().openapi({ description: "Null while paused" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Schedule");

export const ScheduleListSchema = z.object({ schedules: z.array(ScheduleSchema) }).openapi("ScheduleList");

/** What an operator sees: any tenant's schedule, with its tenant. */
export const AdminScheduleSchema = ScheduleSchema.extend({ tenant_id: z.string() }).openapi("AdminSchedule");
export const AdminScheduleListSchema = z
  .object({ schedules: z.array(AdminScheduleSchema) })
  .openapi("AdminScheduleList");

export const ScheduleNameParams = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "name", in: "path" }, example: "nightly:company-co_demo" }),
});

export type Schedule = z.infer<typeof ScheduleSchema>;
export type ScheduleList = z.infer<typeof ScheduleListSchema>;
export type AdminSchedule = z.infer<typeof AdminScheduleSchema>;
