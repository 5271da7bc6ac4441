import type Database from "better-sqlite3";
import { JobsError } from "../errors.js";
import type { JobRecord, JobStatus, ListPage, ListQuery } from "../types.js";
import { type JobRow, RECORD_COLUMNS, rowToRecord } from "./rows.js";

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/** List cursors are opaque to callers: the last row's [createdAt, id] as base64url JSON. */
function encodeCursor(job: Pick<JobRecord, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([job.createdAt, job.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && typeof parsed[0] === "number" && typeof parsed[1] === "string") {
      return { createdAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // an unreadable cursor is the caller's mistake, reported below
  }
  throw new JobsError("invalid_input", "The list cursor is not valid; start again without a cursor.");
}

/**
 * Pages a tenant's jobs newest first. The WHERE clause depends on which filters are set, so one
 * statement is prepared per shape (which filters are set, how many statuses) and cached.
 */
export class JobLister {
  private readonly cache = new Map<string, Database.Statement<unknown[], JobRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
  ) {}

  list(query: ListQuery): ListPage {
    const limit = clampLimit(query.limit);
    const statuses: readonly JobStatus[] =
      query.status === undefined ? [] : typeof query.status === "string" ? [query.status] : query.status;
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    const where = ["tenant_id = ?"];
    const params: unknown[] = [query.tenantId];
    if (statuses.length > 0) {
      where.push(`status IN (${statuses.map(() => "?").join(", ")})`);
      params.push(...statuses);
    }
    if (query.type !== undefined) {
      where.push("type = ?");
      params.push(query.type);
    }
    if (cursor !== null) {
      where.push("(created_at < ? OR (created_at = ? AND id < ?))");
      params.push(cursor.createdAt, cursor.createdAt, cursor.id);
    }
    const sql = `SELECT ${RECORD_COLUMNS} FROM ${this.table} WHERE ${where.join(" AND ")}
      ORDER BY created_at DESC, id DESC LIMIT ?`;
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], JobRow>(sql).raw(true);
      this.cache.set(sql, statement);
    }
    // One extra row tells whether there is a next page.
    const rows = statement.all(...params, limit + 1);
    const jobs = rows.slice(0, limit).map(rowToRecord);
    const last = jobs[jobs.length - 1];
    return { jobs, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}
