import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { toWireFlow, toWireJob } from "../client/wire.js";
import { JobsError } from "../errors.js";
import type { JobStatus } from "../types.js";
import { jobErrorHandler, validationHook } from "./errors.js";
import { SSE_HEARTBEAT_MS, streamJobEvents } from "./events.js";
import type { JobRoutesQueue } from "./queue-port.js";
import {
  ErrorBodySchema,
  JobIdParamsSchema,
  JobListQuerySchema,
  JobListSchema,
  WireFlowSchema,
  WireJobSchema,
} from "./schemas.js";

export interface JobRoutesOptions {
  queue: JobRoutesQueue;
  /**
   * The caller's tenant, from the credential (never from the request body). Default: the `tenantId`
   * context variable your auth middleware sets; a request without one is a 401.
   */
  resolveTenant?: (c: Context) => string;
  /** Default: {@link jobErrorHandler}. Pass your app's handler to log and count errors in one place. */
  onError?: ErrorHandler;
  /** Interval of the SSE comment line; default 15 s. */
  sseHeartbeatMs?: number;
}

const tenantFromContext = (c: Context): string => {
  const tenant = (c.var as { tenantId?: unknown }).tenantId;
  if (typeof tenant !== "string" || tenant === "") {
    throw new HTTPException(401, { message: "Sign in: send Authorization: Bearer <token>." });
  }
  return tenant;
};

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: "Error", content: { "application/json": { schema: ErrorBodySchema } } },
    ]),
  );

const jobResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: WireJobSchema } },
});

const getJob = createRoute({
  method: "get",
  path: "/api/jobs/{id}",
  tags: ["jobs"],
  summary: "A job's status, progress, message, result and error",
  request: { params: JobIdParamsSchema },
  responses: { 200: jobResponse("The job"), ...errors(401, 404) },
});

const getFlow = createRoute({
  method: "get",
  path: "/api/jobs/{id}/flow",
  tags: ["jobs"],
  summary: "A job's steps, its parent or batch, and its children (counts, and the first 100 listed)",
  request: { params: JobIdParamsSchema },
  responses: {
    200: { description: "The job's flow", content: { "application/json": { schema: WireFlowSchema } } },
    ...errors(401, 404),
  },
});

const listJobs = createRoute({
  method: "get",
  path: "/api/jobs",
  tags: ["jobs"],
  summary: "The tenant's jobs, newest first, with counts per status",
  request: { query: JobListQuerySchema },
  responses: {
    200: { description: "A page of jobs", content: { "application/json": { schema: JobListSchema } } },
    ...errors(400, 401),
  },
});

const jobEvents = createRoute({
  method: "get",
  path: "/api/jobs/{id}/events",
  tags: ["jobs"],
  summary: "Server-Sent Events: the job on connect and after every change; ends when it is terminal",
  request: { params: JobIdParamsSchema },
  responses: {
    200: {
      description: "text/event-stream of jobs",
      content: { "text/event-stream": { schema: z.string() } },
    },
    ...errors(401, 404),
  },
});

const cancelJob = createRoute({
  method: "post",
  path: "/api/jobs/{id}/cancel",
  tags: ["jobs"],
  summary: "Cancel a pending or running job (a running handler sees its AbortSignal fire)",
  request: { params: JobIdParamsSchema },
  responses: { 200: jobResponse("The cancelled job"), ...errors(401, 404, 409) },
});

const retryJob = createRoute({
  method: "post",
  path: "/api/jobs/{id}/retry",
  tags: ["jobs"],
  summary: "Run a failed or cancelled job again with a fresh attempt budget",
  request: { params: JobIdParamsSchema },
  responses: { 200: jobResponse("The job, pending again"), ...errors(401, 404, 409) },
});

const deleteJob = createRoute({
  method: "delete",
  path: "/api/jobs/{id}",
  tags: ["jobs"],
  summary: "Delete a job that is not running",
  request: { params: JobIdParamsSchema },
  responses: { 204: { description: "Deleted" }, ...errors(401, 404, 409) },
});

const emptyFlow = (jobId: string) => ({
  jobId,
  steps: [],
  parentId: null,
  batchId: null,
  children: { total: 0, ended: 0, groupIds: [], groups: [], jobs: [] },
});

/** The job API as a Hono app: mount it with `app.route("/", createJobRoutes({ queue }))`. */
export function createJobRoutes(options: JobRoutesOptions): OpenAPIHono {
  const { queue } = options;
  const tenantOf = options.resolveTenant ?? tenantFromContext;
  const heartbeatMs = options.sseHeartbeatMs ?? SSE_HEARTBEAT_MS;
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(options.onError ?? jobErrorHandler);

  app.openapi(listJobs, async (c) => {
    const tenantId = tenantOf(c);
    const query = c.req.valid("query");
    const status = query.status?.split(",") as JobStatus[] | undefined;
    const [page, counts] = await Promise.all([
      queue.list({
        tenantId,
        ...(status ? { status } : {}),
        ...(query.type ? { type: query.type } : {}),
        cursor: query.cursor ?? null,
        limit: query.limit ?? 50,
      }),
      queue.counts(tenantId, query.type),
    ]);
    return c.json({ jobs: page.jobs.map(toWireJob), next_cursor: page.nextCursor, counts }, 200);
  });

  app.openapi(getJob, async (c) => {
    const job = await queue.get(tenantOf(c), c.req.valid("param").id);
    return c.json(toWireJob(job), 200);
  });

  app.openapi(getFlow, async (c) => {
    const tenantId = tenantOf(c);
    const id = c.req.valid("param").id;
    if (queue.flow) return c.json(toWireFlow(await queue.flow(tenantId, id)), 200);
    // A queue without flows: the job's own 404 rules, and a flow with nothing in it.
    await queue.get(tenantId, id);
    return c.json(toWireFlow(emptyFlow(id)), 200);
  });

  app.openapi(jobEvents, async (c) => {
    // The response is a stream, not the JSON the route's schema types; OpenAPI still documents it.
    return (await streamJobEvents(c, queue, tenantOf(c), c.req.valid("param").id, heartbeatMs)) as never;
  });

  app.openapi(cancelJob, async (c) => {
    const job = await queue.cancel(tenantOf(c), c.req.valid("param").id);
    return c.json(toWireJob(job), 200);
  });

  app.openapi(retryJob, async (c) => {
    const job = await queue.retry(tenantOf(c), c.req.valid("param").id);
    return c.json(toWireJob(job), 200);
  });

  app.openapi(deleteJob, async (c) => {
    const id = c.req.valid("param").id;
    // A queue may answer `false` for an unknown id instead of throwing; both are a 404 here.
    if ((await queue.delete(tenantOf(c), id)) === false) {
      throw new JobsError("not_found", `No job ${id} for this tenant.`);
    }
    return c.body(null, 204);
  });

  return app;
}
