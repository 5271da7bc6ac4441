import { z } from "@hono/zod-openapi";
import { JobStatusSchema, WireJobSchema } from "@ledgerflow/jobs/http";
import { Id, PageQuery } from "./common.js";

const STATUSES = ["pending", "running", "complete", "failed", "cancelled"] as const;

/** An ISO 8601 time with a zone, read as epoch ms. */
const IsoTime = z
  .string()
  .max(40)
  .refine((v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: "must be an ISO 8601 time, e.g. 2026-03-01T09:00:00Z",
  })
  .transform((v) => Date.parse(v));

/** `failed` or `failed,cancelled`: one or more statuses, comma-separated. */
const StatusList = z
  .string()
  .max(100)
  .transform((v) => v.split(",").map((s) => s.trim()))
  .pipe(z.array(z.enum(STATUSES, { message: `each status must be one of ${STATUSES.join(", ")}` })).min(1));

/** The operator list's filters, as query parameters. Every filter narrows; none lists every job. */
export const AdminJobFilterQuery = z.object({
  q: z.string().min(1).max(200).optional().openapi({
    description: "A job id (exact), or text found in the job's input JSON or error message",
    example: "co_demo",
  }),
  tenant_id: Id.optional().openapi({ example: "ten_demo" }),
  status: StatusList.optional().openapi({ type: "string", example: "failed,cancelled" }),
  task: z.string().min(1).max(100).optional().openapi({ example: "categorize_transactions" }),
  created_from: IsoTime.optional().openapi({ type: "string", example: "2026-03-01T00:00:00Z" }),
  created_to: IsoTime.optional().openapi({ type: "string", example: "2026-03-02T00:00:00Z" }),
});
export type AdminJobFilterQuery = z.output<typeof AdminJobFilterQuery>;

export const AdminJobListQuery = AdminJobFilterQuery.extend(PageQuery);

/** A job as an operator sees it: the tenant's wire job plus the tenant it belongs to. */
export const AdminJobSchema = WireJobSchema.extend({ tenant_id: z.string() }).openapi("AdminJob");

export const AdminJobListSchema = z
  .object({ jobs: z.array(AdminJobSchema), next_cursor: z.string().nullable() })
  .openapi("AdminJobList");

export const AdminJobCountSchema = z
  .object({
    count: z.number().int(),
    /** The count stopped at `count`: more jobs match. */
    capped: z.boolean(),
  })
  .openapi("AdminJobCount");

/** The same filter in a bulk request's body (times as ISO strings, statuses as an array). */
export const BulkFilterSchema = z
  .object({
    q: z.string().min(1).max(200).optional(),
    tenant_id: Id.optional(),
    status: z.array(JobStatusSchema).min(1).optional(),
    task: z.string().min(1).max(100).optional(),
    created_from: IsoTime.optional().openapi({ type: "string" }),
    created_to: IsoTime.optional().openapi({ type: "string" }),
  })
  .strict();

export const BulkActionRequestSchema = z
  .object({
    action: z.enum(["retry", "cancel", "delete"]),
    filter: BulkFilterSchema.optional().openapi({
      description: "Every job matching this filter (select all matching), in batches",
    }),
    ids: z.array(Id).min(1).max(1000).optional().openapi({ description: "Or these jobs, in any tenant" }),
  })
  .refine((v) => (v.filter === undefined) !== (v.ids === undefined), {
    message: "give either filter (every matching job) or ids (these jobs), not both",
    path: ["filter"],
  })
  .openapi("BulkActionRequest");

export const ReplayAcceptedSchema = z
  .object({
    job_id: z.string(),
    status: JobStatusSchema,
    tenant_id: z.string(),
    replay_of: z.string(),
    /** false when the task's dedupe key returned a job that was already pending or running. */
    created: z.boolean(),
  })
  .openapi("ReplayAccepted");

export const TaskQueueSchema = z
  .object({
    task: z.string(),
    paused: z.boolean(),
    pending: z.number().int(),
    due: z.number().int(),
    running: z.number().int(),
    oldest_due_at: z
      .string()
      .nullable()
      .openapi({ description: "How long the head of the queue has waited" }),
  })
  .openapi("TaskQueue");

export const TaskQueueListSchema = z.object({ tasks: z.array(TaskQueueSchema) }).openapi("TaskQueueList");

export const TaskParams = z.object({
  task: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "task", in: "path" }, example: "categorize_transactions" }),
});

export const ChartQuery = z.object({
  window: z.enum(["hour", "day"]).default("hour").openapi({ example: "hour" }),
});

export const JobChartsSchema = z
  .object({
    window: z.enum(["hour", "day"]),
    bucket_ms: z.number().int(),
    throughput: z.array(
      z.object({
        start: z.string(),
        completed: z.number().int(),
        failed: z.number().int(),
        /** failed / (completed + failed) in the bucket; null when nothing finished. */
        failure_rate: z.number().nullable(),
      }),
    ),
    scanned: z.number().int(),
    truncated: z.boolean(),
    depth: z.array(
      z.object({
        at: z.string(),
        pending: z.number().int(),
        due: z.number().int(),
        running: z.number().int(),
      }),
    ),
    depth_since: z.string().nullable().openapi({ description: "The oldest depth sample this server keeps" }),
  })
  .openapi("JobCharts");

export const SessionSchema = z.object({ tenant_id: z.string(), operator: z.boolean() }).openapi("Session");

export type AdminJob = z.infer<typeof AdminJobSchema>;
export type JobCharts = z.infer<typeof JobChartsSchema>;
export type TaskQueue = z.infer<typeof TaskQueueSchema>;
