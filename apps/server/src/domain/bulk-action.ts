import { defineTask, isJobsError, type JobRecord, type ListQuery, type Queue } from "@ledgerflow/jobs";
import { z } from "zod";

/** The operator's bulk retry / cancel / delete runs as a job of this task, so its progress is followed like any job's. */
export const BULK_ACTION_TASK = "jobs_bulk_action";

export const BULK_ACTIONS = ["retry", "cancel", "delete"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** Jobs acted on between two progress reports and abort checks. */
export const BULK_BATCH_SIZE = 100;
/** The most jobs one bulk action touches; a larger filter is cut there and the result says so. */
export const BULK_MAX_TARGETS = 50_000;
/** Page size when collecting the matching jobs (the store's maximum). */
const LIST_PAGE = 500;

const STATUSES = ["pending", "running", "complete", "failed", "cancelled"] as const;

/** The operator list's filter, as stored in a bulk job's input: plain JSON, epoch-ms times. */
export const JobFilterSchema = z
  .object({
    tenant_id: z.string().min(1).max(100).optional(),
    status: z.array(z.enum(STATUSES)).min(1).optional(),
    task: z.string().min(1).max(100).optional(),
    search: z.string().min(1).max(200).optional(),
    created_from: z.number().int().nonnegative().optional(),
    created_to: z.number().int().nonnegative().optional(),
  })
  .strict();
export type JobFilter = z.infer<typeof JobFilterSchema>;

export const BulkActionInputSchema = z
  .object({
    action: z.enum(BULK_ACTIONS),
    /** Every job matching this filter (select-all-matching)… */
    filter: JobFilterSchema.optional(),
    /** …or these jobs, by id, in any tenant. */
    ids: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
  })
  .refine((v) => (v.filter === undefined) !== (v.ids === undefined), {
    message: "give either filter or ids, not both",
  });
export type BulkActionInput = z.infer<typeof BulkActionInputSchema>;

export interface BulkActionResult {
  [key: string]: string | number | boolean | Record<string, number>;
  action: BulkAction;
  matched: number;
  succeeded: number;
  skipped: number;
  /** Why jobs were skipped, by engine error code (e.g. conflict: a retry of a job that is not failed). */
  skipped_by_reason: Record<string, number>;
  /** More than BULK_MAX_TARGETS jobs matched: only the newest that many were acted on. */
  truncated: boolean;
}

/** The engine's list query for a filter, over every tenant unless the filter names one. */
export function listQueryFor(filter: JobFilter): Omit<ListQuery, "cursor" | "limit"> {
  return {
    tenantId: filter.tenant_id ?? null,
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.task ? { type: filter.task } : {}),
    ...(filter.search ? { search: filter.search } : {}),
    ...(filter.created_from !== undefined ? { createdFrom: filter.created_from } : {}),
    ...(filter.created_to !== undefined ? { createdTo: filter.created_to } : {}),
  };
}

type Target = Pick<JobRecord, "id" | "tenantId">;

/**
 * The jobs a filter matches, newest first, up to `max`. Collected before acting: a retry moves a job
 * out of a `failed` filter, so acting while paging would shift the pages under the cursor. Bulk jobs
 * themselves are never targets (a bulk cancel of running jobs must not cancel itself).
 */
export async function collectMatching(
  queue: Queue,
  filter: JobFilter,
  max: number,
  signal?: AbortSignal,
): Promise<{ targets: Target[]; truncated: boolean }> {
  const query = listQueryFor(filter);
  const targets: Target[] = [];
  let cursor: string | null = null;
  do {
    signal?.throwIfAborted();
    const page = await queue.list({ ...query, cursor, limit: LIST_PAGE });
    for (const job of page.jobs) {
      if (job.type === BULK_ACTION_TASK) continue;
      if (targets.length === max) return { targets, truncated: true };
      targets.push({ id: job.id, tenantId: job.tenantId });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { targets, truncated: false };
}

/** A job by id in any tenant: the engine's search matches an exact id (and text, so the id is checked). */
export async function findJobAnywhere(queue: Queue, id: string): Promise<JobRecord | null> {
  const page = await queue.list({ tenantId: null, search: id, limit: 50 });
  return page.jobs.find((job) => job.id === id) ?? null;
}

async function targetsOf(queue: Queue, input: BulkActionInput, signal: AbortSignal) {
  if (input.filter) return collectMatching(queue, input.filter, BULK_MAX_TARGETS, signal);
  const targets: Target[] = [];
  for (const id of new Set(input.ids)) {
    const job = await findJobAnywhere(queue, id);
    if (job && job.type !== BULK_ACTION_TASK) targets.push({ id: job.id, tenantId: job.tenantId });
  }
  return { targets, truncated: false };
}

const VERB: Record<BulkAction, string> = { retry: "Retrying", cancel: "Cancelling", delete: "Deleting" };

/**
 * `jobs_bulk_action`: collects the matching jobs (0–10 %), then acts on them in batches of 100
 * (10–100 %), reporting "Retrying 200/1,234…". A job that cannot take the action (a retry of a
 * complete job, a job deleted meanwhile) is skipped and counted by reason, never a failure of the
 * whole. No retries: a second attempt would act on what the first left, which is what a new bulk
 * action from the dashboard does too, with the operator looking.
 */
export function createBulkActionTask(getQueue: () => Queue) {
  return defineTask({
    name: BULK_ACTION_TASK,
    input: BulkActionInputSchema,
    retries: 0,
    timeoutMs: 60 * 60_000,
    async handler(ctx): Promise<BulkActionResult> {
      const queue = getQueue();
      const { action } = ctx.input;
      ctx.progress(0, "Finding the matching jobs...");
      const { targets, truncated } = await targetsOf(queue, ctx.input, ctx.signal);
      const total = targets.length;
      const result: BulkActionResult = {
        action,
        matched: total,
        succeeded: 0,
        skipped: 0,
        skipped_by_reason: {},
        truncated,
      };
      ctx.progress(10, `${total.toLocaleString("en-US")} matching jobs`);
      for (let start = 0; start < total; start += BULK_BATCH_SIZE) {
        ctx.signal.throwIfAborted();
        for (const target of targets.slice(start, start + BULK_BATCH_SIZE)) {
          try {
            await apply(queue, action, target);
            result.succeeded += 1;
          } catch (error) {
            if (!isJobsError(error)) throw error;
            result.skipped += 1;
            result.skipped_by_reason[error.code] = (result.skipped_by_reason[error.code] ?? 0) + 1;
          }
        }
        const done = Math.min(start + BULK_BATCH_SIZE, total);
        ctx.progress(
          10 + Math.floor((done / total) * 90),
          `${VERB[action]} ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}...`,
        );
      }
      return result;
    },
  });
}

async function apply(queue: Queue, action: BulkAction, target: Target): Promise<void> {
  if (action === "retry") await queue.retry(target.tenantId, target.id);
  else if (action === "cancel") await queue.cancel(target.tenantId, target.id);
  else await queue.delete(target.tenantId, target.id);
}
