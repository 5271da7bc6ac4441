import { createRoute } from "@hono/zod-openapi";
import { type JobRecord, type Queue, toWireJob } from "@ledgerflow/jobs";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.js";
import {
  BULK_ACTION_TASK,
  type BulkActionInput,
  collectMatching,
  findJobAnywhere,
  type JobFilter,
  listQueryFor,
} from "../domain/bulk-action.js";
import { CHART_WINDOWS, DEPTH_SAMPLE_MS, type DepthSampler, throughput } from "../domain/job-charts.js";
import { ApiError, notFound } from "../errors.js";
import {
  type AdminJob,
  AdminJobCountSchema,
  AdminJobFilterQuery,
  AdminJobListQuery,
  AdminJobListSchema,
  AdminJobSchema,
  BulkActionRequestSchema,
  ChartQuery,
  JobChartsSchema,
  ReplayAcceptedSchema,
  SessionSchema,
  TaskParams,
  TaskQueueListSchema,
  TaskQueueSchema,
} from "../schemas/admin.js";
import { errorResponses, idParam, json, jsonBody } from "../schemas/common.js";
import { JobAcceptedSchema } from "../schemas/job-commands.js";
import { newRouter } from "./deps.js";

/** Counting stops here: the dashboard says "10,000+ matching". */
export const COUNT_CAP = 10_000;

const forbidden = () =>
  new ApiError(
    403,
    "forbidden",
    "This route is for operators: sign in with an operator token (create one with `ledgerflow tenants operator-token TENANT_ID`).",
  );

/** Every /api/admin route: a valid token is not enough, it must be an operator's (api_tokens.operator). */
export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.operator) throw forbidden();
  await next();
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The job's wire shape (the seed's, `toWireJob`) with its tenant: operators see every tenant's. */
export function adminJobToWire(job: JobRecord): AdminJob {
  return { ...toWireJob(job), tenant_id: job.tenantId };
}

/** The HTTP filter (`q`, ISO times already parsed) as the bulk task's filter. */
function toJobFilter(query: {
  q?: string | undefined;
  tenant_id?: string | undefined;
  status?: readonly JobRecord["status"][] | undefined;
  task?: string | undefined;
  created_from?: number | undefined;
  created_to?: number | undefined;
}): JobFilter {
  if (
    query.created_from !== undefined &&
    query.created_to !== undefined &&
    query.created_from >= query.created_to
  ) {
    throw new ApiError(400, "invalid_request", "created_to: must be later than created_from");
  }
  return {
    ...(query.tenant_id ? { tenant_id: query.tenant_id } : {}),
    ...(query.status ? { status: [...query.status] } : {}),
    ...(query.task ? { task: query.task } : {}),
    ...(query.q ? { search: query.q } : {}),
    ...(query.created_from !== undefined ? { created_from: query.created_from } : {}),
    ...(query.created_to !== undefined ? { created_to: query.created_to } : {}),
  };
}

const tags = ["operator"];
const adminErrors = (...more: number[]) => errorResponses(400, 401, 403, ...more);

const session = createRoute({
  method: "get",
  path: "/api/me",
  tags: ["auth"],
  summary: "Who the token is: its tenant, and whether it is an operator's",
  responses: { 200: json(SessionSchema, "The signed-in credential"), ...errorResponses(401) },
});

const listJobs = createRoute({
  method: "get",
  path: "/api/admin/jobs",
  tags,
  summary:
    "Every tenant's jobs, newest first: search by id or text in input/error, filter by tenant, status, task, time",
  request: { query: AdminJobListQuery },
  responses: { 200: json(AdminJobListSchema, "A page of jobs"), ...adminErrors() },
});

const countJobs = createRoute({
  method: "get",
  path: "/api/admin/jobs/count",
  tags,
  summary: `How many jobs match the filters (counting stops at ${COUNT_CAP.toLocaleString("en-US")})`,
  request: { query: AdminJobFilterQuery },
  responses: { 200: json(AdminJobCountSchema, "The count"), ...adminErrors() },
});

const getJob = createRoute({
  method: "get",
  path: "/api/admin/jobs/{id}",
  tags,
  summary: "One job of any tenant",
  request: { params: idParam("job_9xQ2mZr5Vb1cT7kLwP3aHd") },
  responses: { 200: json(AdminJobSchema, "The job"), ...adminErrors(404) },
});

const bulk = createRoute({
  method: "post",
  path: "/api/admin/jobs/bulk",
  tags,
  summary: `Retry, cancel or delete every job matching a filter (or a list of ids), as a ${BULK_ACTION_TASK} job`,
  description:
    "Answers at once with the bulk job's id; follow it with GET /api/jobs/{id} (its progress and, when done, the counts). Jobs that cannot take the action are skipped and counted by reason.",
  request: { body: jsonBody(BulkActionRequestSchema) },
  responses: { 202: json(JobAcceptedSchema, "The bulk job was created"), ...adminErrors(429) },
});

const replay = createRoute({
  method: "post",
  path: "/api/admin/jobs/{id}/replay",
  tags,
  summary: "Run a finished job again: a new job with the same task, input and tenant",
  request: { params: idParam("job_9xQ2mZr5Vb1cT7kLwP3aHd") },
  responses: {
    202: json(ReplayAcceptedSchema, "The new job"),
    ...adminErrors(404, 409, 422, 429),
  },
});

const listTasks = createRoute({
  method: "get",
  path: "/api/admin/tasks",
  tags,
  summary:
    "Each task's queue across all tenants (pending, due, running, oldest due) and whether it is paused",
  responses: { 200: json(TaskQueueListSchema, "Tasks by name"), ...adminErrors() },
});

const pauseTask = (action: "pause" | "resume") =>
  createRoute({
    method: "post",
    path: `/api/admin/tasks/{task}/${action}`,
    tags,
    summary:
      action === "pause"
        ? "Pause a task: workers everywhere stop claiming its jobs within about a second (running ones finish); enqueues still work"
        : "Resume a paused task",
    request: { params: TaskParams },
    responses: { 200: json(TaskQueueSchema, "The task's queue"), ...adminErrors(429) },
  });

const charts = createRoute({
  method: "get",
  path: "/api/admin/charts",
  tags,
  summary:
    "Throughput and failure rate (from finished jobs) and queue depth (sampled) over the last hour or day",
  request: { query: ChartQuery },
  responses: { 200: json(JobChartsSchema, "The chart data"), ...adminErrors() },
});

async function taskQueues(queue: Queue) {
  const [stats, paused] = await Promise.all([queue.stats(), queue.pausedTasks()]);
  const names = [...new Set([...queue.taskNames, ...stats.map((s) => s.type)])].sort();
  return names.map((task) => {
    const s = stats.find((x) => x.type === task);
    return {
      task,
      paused: paused.includes(task),
      pending: s?.pending ?? 0,
      due: s?.due ?? 0,
      running: s?.running ?? 0,
      oldest_due_at: iso(s?.oldestDueAt ?? null),
    };
  });
}

/**
 * The operator dashboard's API. `/api/me` is for everyone (the web app asks it whether to show the
 * operator view); everything under /api/admin answers 403 to a token that is not an operator's.
 * Operators act across tenants: these routes pass `tenantId: null` to the engine's list, or the job's
 * own tenant to its commands.
 */
export function adminRoutes({ queue, depth }: { queue: Queue; depth: DepthSampler }) {
  const app = newRouter();
  app.openapi(session, (c) => c.json({ tenant_id: c.var.tenantId, operator: c.var.operator }, 200));

  app.use("/api/admin/*", requireOperator);

  app.openapi(listJobs, async (c) => {
    const { cursor, limit, ...filters } = c.req.valid("query");
    const filter = toJobFilter(filters);
    const page = await queue.list({ ...listQueryFor(filter), cursor: cursor ?? null, limit: limit ?? 50 });
    return c.json({ jobs: page.jobs.map(adminJobToWire), next_cursor: page.nextCursor }, 200);
  });

  app.openapi(countJobs, async (c) => {
    const { targets, truncated } = await collectMatching(queue, toJobFilter(c.req.valid("query")), COUNT_CAP);
    return c.json({ count: targets.length, capped: truncated }, 200);
  });

  app.openapi(getJob, async (c) => {
    const { id } = c.req.valid("param");
    const job = await findJobAnywhere(queue, id);
    if (!job) throw notFound("job", id);
    return c.json(adminJobToWire(job), 200);
  });

  app.openapi(bulk, async (c) => {
    const body = c.req.valid("json");
    const input: BulkActionInput = body.filter
      ? { action: body.action, filter: toJobFilter(body.filter) }
      : { action: body.action, ids: body.ids ?? [] };
    // The bulk job is the operator's own: they follow it with the ordinary GET /api/jobs/{id}.
    const { job } = await queue.enqueue(BULK_ACTION_TASK, input, {
      tenantId: c.var.tenantId,
      idempotencyKey: c.req.header("idempotency-key") ?? null,
    });
    c.header("Location", `/api/jobs/${job.id}`);
    return c.json({ job_id: job.id, status: job.status }, 202);
  });

  app.openapi(replay, async (c) => {
    const { id } = c.req.valid("param");
    const original = await findJobAnywhere(queue, id);
    if (!original) throw notFound("job", id);
    if (original.status === "pending" || original.status === "running") {
      throw new ApiError(
        409,
        "conflict",
        `Job ${id} is ${original.status}; only a finished job can be replayed.`,
      );
    }
    if (original.type === BULK_ACTION_TASK) {
      throw new ApiError(
        422,
        "unprocessable",
        "A bulk action is not replayed: start a new one from the dashboard.",
      );
    }
    const { job, created } = await queue.enqueue(original.type, original.input, {
      tenantId: original.tenantId,
    });
    c.header("Location", `/api/admin/jobs/${job.id}`);
    return c.json(
      { job_id: job.id, status: job.status, tenant_id: job.tenantId, replay_of: original.id, created },
      202,
    );
  });

  app.openapi(listTasks, async (c) => c.json({ tasks: await taskQueues(queue) }, 200));

  for (const action of ["pause", "resume"] as const) {
    app.openapi(pauseTask(action), async (c) => {
      const { task } = c.req.valid("param");
      await queue.setTaskPaused(task, action === "pause");
      const entry = (await taskQueues(queue)).find((t) => t.task === task);
      if (!entry) throw notFound("task", task);
      return c.json(entry, 200);
    });
  }

  app.openapi(charts, async (c) => {
    const { window } = c.req.valid("query");
    const now = queue.clock.now();
    // A server that has just started (or a test) has no sample yet: take one, so the chart has a point.
    const newest = depth.series("hour", now).at(-1);
    if (!newest || now - newest.at >= DEPTH_SAMPLE_MS) await depth.sample();
    const data = await throughput(queue, window, now);
    return c.json(
      {
        window,
        bucket_ms: CHART_WINDOWS[window].bucketMs,
        throughput: data.buckets.map((b) => ({
          start: new Date(b.start).toISOString(),
          completed: b.completed,
          failed: b.failed,
          failure_rate: b.completed + b.failed === 0 ? null : b.failed / (b.completed + b.failed),
        })),
        scanned: data.scanned,
        truncated: data.truncated,
        depth: depth.series(window, queue.clock.now()).map((s) => ({
          at: new Date(s.at).toISOString(),
          pending: s.pending,
          due: s.due,
          running: s.running,
        })),
        depth_since: iso(depth.since()),
      },
      200,
    );
  });

  return app;
}
