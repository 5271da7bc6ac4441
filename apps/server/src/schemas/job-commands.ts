import { z } from "@hono/zod-openapi";
import { JobStatusSchema } from "@ledgerflow/jobs/http";
import { Id } from "./common.js";

export const CategorizeRequestSchema = z
  .object({
    company_id: Id.openapi({ example: "co_demo" }),
    /** How many uncategorized transactions this job takes on, oldest first (the task's default: 1000). */
    limit: z.number().int().min(1).max(50_000).optional().openapi({ example: 100 }),
  })
  .openapi("CategorizeRequest");

export const UploadFormSchema = z
  .object({
    file: z.any().openapi({ type: "string", format: "binary", description: "The bank's CSV export" }),
    company_id: Id,
  })
  .openapi("UploadAndCategorizeForm");

/** The seed's answer to a job-creating POST, plus a Location header pointing at the job. */
export const JobAcceptedSchema = z
  .object({ job_id: z.string(), status: JobStatusSchema, import_id: z.string().optional() })
  .openapi("JobAccepted");

export type CategorizeRequest = z.input<typeof CategorizeRequestSchema>;
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;
