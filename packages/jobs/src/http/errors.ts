import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { httpStatusFor, isJobsError } from "../errors.js";
import type { ErrorBody } from "./schemas.js";

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** "company_id: Invalid input: expected number, received string" — the field first, so a 400 names it. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** The OpenAPIHono `defaultHook`: a request that fails its zod schema is a 400 in the one error shape. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  return c.json(errorBody("invalid_request", describeZodError(result.error)), 400);
}

/**
 * Maps what a job route can throw to `{error: {code, message}}`: engine errors through the engine's
 * own status table, HTTP exceptions as they are, anything else a 500 that does not leak internals.
 */
export const jobErrorHandler: ErrorHandler = (error, c) => {
  if (isJobsError(error)) {
    const status = httpStatusFor(error.code) as ContentfulStatusCode;
    return c.json(errorBody(error.code, error.message), status);
  }
  if (error instanceof HTTPException) {
    const code = error.status === 401 ? "unauthorized" : "http_error";
    return c.json(errorBody(code, error.message || "Request failed."), error.status);
  }
  console.error("Unhandled error in a job route", error);
  return c.json(errorBody("internal", "Something went wrong on the server; try again."), 500);
};
