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
    mapping: z.string().optional().openapi({
      description:
        'The columns chosen in the mapping step, as JSON: {"date":0,"amount":3,"description":2} or with "debit"/"credit" for money out/in (indexes or header names). Remembered for this company and file shape.',
    }),
  })
  .openapi("UploadAndCategorizeForm");

const PreviewMappingSchema = z.object({
  date: z.number().int(),
  description: z.number().int().nullable(),
  payee: z.number().int().nullable(),
  amount: z.number().int().nullable(),
  debit: z.number().int().nullable(),
  credit: z.number().int().nullable(),
  marker: z.number().int().nullable(),
  balance: z.number().int().nullable(),
});

/** The upload's answer when a person should confirm the columns: no job yet, a preview instead. */
export const ImportPreviewSchema = z
  .object({
    status: z.literal("needs_mapping"),
    filename: z.string(),
    fingerprint: z.string(),
    confidence: z.number(),
    reasons: z.array(z.string()),
    label: z.string(),
    headers: z.array(z.string()),
    columns: z.array(z.object({ index: z.number().int(), name: z.string(), samples: z.array(z.string()) })),
    rows: z.array(z.object({ line: z.number().int(), cells: z.array(z.string()) })),
    mapping: PreviewMappingSchema,
    alternatives: z.array(z.object({ label: z.string(), mapping: PreviewMappingSchema })),
  })
  .openapi("ImportPreview");

/** The seed's answer to a job-creating POST, plus a Location header pointing at the job. */
export const JobAcceptedSchema = z
  .object({ job_id: z.string(), status: JobStatusSchema, import_id: z.string().optional() })
  .openapi("JobAccepted");

export type CategorizeRequest = z.input<typeof CategorizeRequestSchema>;
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;
