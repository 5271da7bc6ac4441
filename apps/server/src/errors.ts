import { BooksError } from "@ledgerflow/books";
import { httpStatusFor, isJobsError } from "@ledgerflow/jobs";
import { errorBody } from "@ledgerflow/jobs/http";
import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./context.js";

/** An error a route throws on purpose: its status, code and message reach the client as they are. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Another tenant's id and an unknown id get the same answer, so ids cannot be probed. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, "not_found", `No ${what} ${id} for this tenant.`);
}

export function badRequest(field: string, message: string): ApiError {
  return new ApiError(400, "invalid_request", `${field}: ${message}`);
}

/**
 * The app's one error handler: every error leaves as `{error: {code, message}}` with its status.
 * Unexpected errors are logged with the request id and answered with a 500 that leaks nothing.
 */
export const onAppError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(errorBody(error.code, error.message), error.status);
  }
  if (isJobsError(error)) {
    const issue = error.issues[0];
    const message = issue?.path ? `${issue.path}: ${issue.message}` : error.message;
    return c.json(errorBody(error.code, message), httpStatusFor(error.code) as ContentfulStatusCode);
  }
  const domain = domainError(error);
  if (domain) return c.json(errorBody(domain.code, domain.message), domain.status);
  if (error instanceof HTTPException) {
    const code =
      error.status === 401 ? "unauthorized" : error.status === 413 ? "payload_too_large" : "invalid_request";
    return c.json(errorBody(code, error.message || "The request could not be read."), error.status);
  }
  c.var.log?.error({ err: error, req_id: c.var.requestId }, "unhandled error");
  return c.json(errorBody("internal", "Something went wrong on the server; try again in a moment."), 500);
};

/**
 * The books package's errors in API terms. Its "invalid" means well-formed JSON that the domain
 * cannot apply (a rule condition that does not compile, a reorder that misses a rule, a stale cursor):
 * 422, so a 400 always means the request did not match its schema.
 */
const BOOKS_STATUS = { not_found: 404, invalid: 422, conflict: 409 } as const;

/** The books package's errors, and the CSV importer's (matched by name), in API terms. */
function domainError(error: unknown): { status: ContentfulStatusCode; code: string; message: string } | null {
  if (error instanceof BooksError) {
    const code = error.code === "invalid" ? "unprocessable" : error.code;
    return { status: BOOKS_STATUS[error.code], code, message: error.message };
  }
  if (error instanceof Error && error.name === "CsvFormatError") {
    const tooBig = (error as Error & { code?: string }).code?.startsWith("too-") ?? false;
    return {
      status: tooBig ? 413 : 400,
      code: tooBig ? "payload_too_large" : "invalid_csv",
      message: error.message,
    };
  }
  return null;
}
