import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../context.js";
import { importUpload } from "../domain/import-upload.js";
import { decideUploadMapping, parseMappingField } from "../domain/upload-mapping.js";
import { ApiError, badRequest } from "../errors.js";
import { errorResponses, json, jsonBody } from "../schemas/common.js";
import {
  CategorizeRequestSchema,
  ImportPreviewSchema,
  JobAcceptedSchema,
  UploadFormSchema,
} from "../schemas/job-commands.js";
import { newRouter, type RouteDeps, requireCompany } from "./deps.js";

export const CATEGORIZE_TASK = "categorize_transactions";
export const UPLOAD_TASK = "upload_and_categorize";
/** Room for the multipart boundaries and the company_id field around a file of the maximum size. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const accepted = json(
  JobAcceptedSchema,
  "The job was created (or the running one for this company/key was returned)",
);

const categorize = createRoute({
  method: "post",
  path: "/api/jobs/categorize",
  tags: ["jobs"],
  summary: "Categorize a company's uncategorized transactions in the background",
  request: { body: jsonBody(CategorizeRequestSchema) },
  responses: { 202: accepted, ...errorResponses(400, 401, 404, 409, 429) },
});

const tooLarge = (maxBytes: number) =>
  new ApiError(
    413,
    "payload_too_large",
    `The upload is larger than ${formatBytes(maxBytes)}; split the file and upload the parts.`,
  );

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes} bytes`;
}

function uploadRoute(maxBytes: number) {
  return createRoute({
    method: "post",
    path: "/api/jobs/upload-and-categorize",
    tags: ["jobs"],
    summary:
      "Upload a bank CSV (multipart field `file` plus `company_id`): import and categorize it in the background",
    // Before the body is read at all: a too-large upload is refused without buffering it.
    middleware: [
      bodyLimit({
        maxSize: maxBytes + MULTIPART_OVERHEAD_BYTES,
        onError: () => {
          throw tooLarge(maxBytes);
        },
      }),
    ] as const,
    request: { body: { required: true, content: { "multipart/form-data": { schema: UploadFormSchema } } } },
    responses: {
      202: accepted,
      200: json(
        ImportPreviewSchema,
        "Not sure of the columns: a preview to confirm them (send it again with `mapping`)",
      ),
      ...errorResponses(400, 401, 404, 413, 429),
    },
  });
}

const idempotencyKeyOf = (c: Context<AppEnv>) => c.req.header("idempotency-key") ?? null;

export function jobCommandRoutes({ db, queue, uploadMaxBytes, enqueueInBooksTransaction }: RouteDeps) {
  const app = newRouter();

  app.openapi(categorize, async (c) => {
    const body = c.req.valid("json");
    await requireCompany(db, c.var.tenantId, body.company_id);
    // The task's dedupe key (one per company) returns the running job to a second click.
    const { job } = await queue.enqueue(
      CATEGORIZE_TASK,
      body.limit === undefined
        ? { company_id: body.company_id }
        : { company_id: body.company_id, limit: body.limit },
      { tenantId: c.var.tenantId, idempotencyKey: idempotencyKeyOf(c) },
    );
    c.header("Location", `/api/jobs/${job.id}`);
    return c.json({ job_id: job.id, status: job.status }, 202);
  });

  app.openapi(uploadRoute(uploadMaxBytes), async (c) => {
    const form = c.req.valid("form") as { file?: unknown; company_id: string; mapping?: string };
    const file = form.file;
    if (!(file instanceof File))
      throw badRequest("file", "attach the bank's CSV export as the multipart field `file`");
    if (file.size > uploadMaxBytes) throw tooLarge(uploadMaxBytes);
    await requireCompany(db, c.var.tenantId, form.company_id);
    const content = new Uint8Array(await file.arrayBuffer());
    const filename = file.name || "upload.csv";
    const chosen = form.mapping ? parseMappingField(form.mapping) : null;
    const decision = await decideUploadMapping(
      db,
      c.var.tenantId,
      form.company_id,
      { content, filename },
      chosen,
    );
    if (decision.kind === "ask") return c.json(decision.preview, 200);
    // One transaction for the import row and its job when the store allows it (PostgreSQL).
    const { job, importId } = await importUpload({ db, queue, enqueueInBooksTransaction }, UPLOAD_TASK, {
      tenantId: c.var.tenantId,
      companyId: form.company_id,
      filename,
      content,
      idempotencyKey: idempotencyKeyOf(c),
      options: decision.options,
    });
    c.header("Location", `/api/jobs/${job.id}`);
    return c.json({ job_id: job.id, status: job.status, import_id: importId }, 202);
  });

  return app;
}
