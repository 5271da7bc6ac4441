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
 * Pages a tenant's jobs (or, with tenantId null, every tenant's: operators) newest first. The WHERE
 * clause depends on which filters are set, so one statement is prepared per shape (which filters
 * are set, how many statuses) and cached. A tenant's page walks `tenant_created`, an operator's
 * `created` (both newest first), so the page costs O(log n + rows it passes over), except that a
 * search or a narrow filter may pass over many: search has no index (it is a support tool).
 *
 * Search: the exact id, or a piece of the input's JSON text or of the error message, case-
 * insensitively and literally (instr, not LIKE: no metacharacters). SQLite's lower() folds ASCII
 * only, so a search with other letters goes through a JS function (`jobs_search_fold`, Unicode
 * toLowerCase like the other stores); an ASCII search stays in C, where folding the text's other
 * letters cannot change whether it contains the ASCII search.
 */
export class JobLister {
  private readonly cache = new Map<string, Database.Statement<unknown[], JobRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
  ) {
    db.function("jobs_search_fold", { deterministic: true }, (text: unknown) =>
      typeof text === "string" ? text.toLowerCase() : text,
    );
  }

  list(query: ListQuery): ListPage {
    const limit = clampLimit(query.limit);
    const statuses: readonly JobStatus[] =
      query.status === undefined ? [] : typeof query.status === "string" ? [query.status] : query.status;
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.tenantId !== null) {
      where.push("tenant_id = ?");
      params.push(query.tenantId);
    }
    if (statuses.length > 0) {
      where.push(`status IN (${statuses.map(() => "?").join(", ")})`);
      params.push(...statuses);
    }
    if (query.type !== undefined) {
      where.push("type = ?");
      params.push(query.type);
    }
    if (query.createdFrom !== undefined) {
      where.push("created_at >= ?");
      params.push(query.createdFrom);
    }
    if (query.createdTo !== undefined) {
      where.push("created_at < ?");
      params.push(query.createdTo);
    }
    if (query.search !== undefined && query.search !== "") {
      const search = query.search.toLowerCase();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
      const fold = /^[\x00-\x7f]*$/.test(search) ? "lower" : "jobs_search_fold";
      where.push(
        `(lower(id) = ? OR instr(${fold}(input), ?) > 0 OR instr(${fold}(coalesce(error_message, '')), ?) > 0)`,
      );
      params.push(search, search, search);
    }
    if (cursor !== null) {
      // A row value, not (a < ? OR (a = ? AND b < ?)): SQLite seeks it in the newest-first index
      // (SEARCH … (created_at,id)<(?,?)) where the OR made each page scan from the newest row.
      where.push("(created_at, id) < (?, ?)");
      params.push(cursor.createdAt, cursor.id);
    }
    const filter = where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`;
    const sql = `SELECT ${RECORD_COLUMNS} FROM ${this.table} ${filter}
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
