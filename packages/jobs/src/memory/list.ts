import { JobsError } from "../errors.js";
import type { JobRecord, JobStatus, ListPage, ListQuery, TypeStats } from "../types.js";
import { type StoredJob, snapshot } from "./record.js";

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

export function clampListLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

interface Cursor {
  createdAt: number;
  id: string;
}

export function encodeCursor(job: Pick<JobRecord, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([job.createdAt, job.id])).toString("base64url");
}

export function decodeCursor(cursor: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && typeof parsed[0] === "number" && typeof parsed[1] === "string") {
      return { createdAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through: an unreadable cursor is treated like a bad request by the caller
  }
  return null;
}

/** Newest first: createdAt desc, then id desc, so equal timestamps still page deterministically. */
export function newestFirst(a: JobRecord, b: JobRecord): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `job` comes strictly after the cursor in newest-first order. */
export function isAfterCursor(job: JobRecord, cursor: Cursor): boolean {
  return job.createdAt < cursor.createdAt || (job.createdAt === cursor.createdAt && job.id < cursor.id);
}

export function statusFilter(status: ListQuery["status"]): ((s: JobStatus) => boolean) | null {
  if (status === undefined) return null;
  if (typeof status === "string") return (s) => s === status;
  const set = new Set<JobStatus>(status);
  return (s) => set.has(s);
}

/** One page of a tenant's jobs, filtered and newest first. Scans: the memory store is for tests and demos. */
export function listJobs(jobs: Iterable<StoredJob>, query: ListQuery): ListPage {
  const limit = clampListLimit(query.limit);
  const matchesStatus = statusFilter(query.status);
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.cursor && cursor === null) {
    throw new JobsError("invalid_input", "The list cursor is not valid; start again without a cursor.");
  }
  const matches: StoredJob[] = [];
  const search = query.search?.toLowerCase();
  for (const job of jobs) {
    if (query.tenantId !== null && job.tenantId !== query.tenantId) continue;
    if (query.type !== undefined && job.type !== query.type) continue;
    if (matchesStatus !== null && !matchesStatus(job.status)) continue;
    if (query.createdFrom !== undefined && job.createdAt < query.createdFrom) continue;
    if (query.createdTo !== undefined && job.createdAt >= query.createdTo) continue;
    if (search !== undefined && !matchesSearch(job, search)) continue;
    if (cursor !== null && !isAfterCursor(job, cursor)) continue;
    matches.push(job);
  }
  matches.sort(newestFirst);
  const page = matches.slice(0, limit).map(snapshot);
  const last = page[page.length - 1];
  return { jobs: page, nextCursor: matches.length > limit && last ? encodeCursor(last) : null };
}

/** The operator search: the exact id, or a piece of the input's JSON text or of the error message. */
function matchesSearch(job: StoredJob, search: string): boolean {
  if (job.id.toLowerCase() === search) return true;
  if (JSON.stringify(job.input).toLowerCase().includes(search)) return true;
  return job.error?.message.toLowerCase().includes(search) === true;
}

/** Pending (due or not), due and running jobs per type, across tenants. */
export function typeStats(jobs: Iterable<StoredJob>, now: number): TypeStats[] {
  const byType = new Map<string, TypeStats>();
  for (const job of jobs) {
    if (job.status !== "pending" && job.status !== "running") continue;
    let stats = byType.get(job.type);
    if (stats === undefined) {
      stats = { type: job.type, pending: 0, due: 0, running: 0, oldestDueAt: null };
      byType.set(job.type, stats);
    }
    if (job.status === "running") stats.running += 1;
    else {
      stats.pending += 1;
      if (job.runAt <= now) {
        stats.due += 1;
        if (stats.oldestDueAt === null || job.runAt < stats.oldestDueAt) stats.oldestDueAt = job.runAt;
      }
    }
  }
  return [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

export function countJobs(
  jobs: Iterable<StoredJob>,
  tenantId: string,
  type?: string,
): Record<JobStatus, number> {
  const counts: Record<JobStatus, number> = { pending: 0, running: 0, complete: 0, failed: 0, cancelled: 0 };
  for (const job of jobs) {
    if (job.tenantId === tenantId && (type === undefined || job.type === type)) counts[job.status] += 1;
  }
  return counts;
}
