import { z } from "@hono/zod-openapi";
import { JOB_STATUSES } from "../types.js";

/** The one error shape of every Ledgerflow HTTP response that is not a success. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "not_found" }),
      message: z.string().openapi({ example: "No job job_abc123 for this tenant." }),
    }),
  })
  .openapi("Error");

export const JobStatusSchema = z.enum(JOB_STATUSES).openapi("JobStatus");

/** Mirrors `WireJob` in client/wire.ts (the seed's snake_case shape). */
export const WireJobSchema = z
  .object({
    id: z.string().openapi({ example: "job_9xQ2mZr5Vb1cT7kLwP3aHd" }),
    type: z.string().openapi({ example: "categorize_transactions" }),
    status: JobStatusSchema,
    progress: z.number().min(0).max(100),
    message: z.string().nullable().openapi({ example: "Categorizing transaction 15/100..." }),
    result: z.unknown().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    input: z.unknown(),
    created_at: z.string(),
    updated_at: z.string(),
    run_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    expires_at: z.string().nullable(),
  })
  .openapi("Job");

/** Mirrors `WireFlow` in client/wire.ts. */
export const WireFlowSchema = z
  .object({
    job_id: z.string(),
    steps: z.array(
      z.object({
        name: z.string().openapi({ example: "parse" }),
        status: z.literal("complete"),
        started_at: z.string(),
        finished_at: z.string(),
        duration_ms: z.number().openapi({ example: 412 }),
      }),
    ),
    parent_id: z.string().nullable(),
    batch_id: z.string().nullable(),
    children: z.object({
      total: z.number().int().openapi({ example: 40 }),
      ended: z.number().int().openapi({ example: 7 }),
      group_ids: z.array(z.string()),
      jobs: z
        .array(z.object({ id: z.string(), status: JobStatusSchema, progress: z.number() }))
        .openapi({ description: "The first 100 children in spawn order; total counts them all." }),
    }),
  })
  .openapi("JobFlow");

export const StatusCountsSchema = z.record(JobStatusSchema, z.number().int()).openapi("JobCounts");

export const JobListSchema = z
  .object({
    jobs: z.array(WireJobSchema),
    next_cursor: z.string().nullable(),
    counts: StatusCountsSchema,
  })
  .openapi("JobList");

export const JobIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, example: "job_9xQ2mZr5Vb1cT7kLwP3aHd" }),
});

/** `status` accepts one status or a comma-separated list (`?status=failed,cancelled`). */
export const JobListQuerySchema = z.object({
  status: z
    .string()
    .optional()
    .refine(
      (value) =>
        value === undefined || value.split(",").every((s) => (JOB_STATUSES as readonly string[]).includes(s)),
      { message: `each status must be one of ${JOB_STATUSES.join(", ")}` },
    )
    .openapi({ example: "failed,cancelled" }),
  type: z.string().max(200).optional().openapi({ example: "categorize_transactions" }),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().openapi({ example: 50 }),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type JobList = z.infer<typeof JobListSchema>;
