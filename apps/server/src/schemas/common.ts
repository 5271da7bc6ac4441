import { z } from "@hono/zod-openapi";
import { ErrorBodySchema } from "@ledgerflow/jobs/http";

export { ErrorBodySchema };

/** Error responses for a route's OpenAPI entry; the bodies all share the one error shape. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: ErrorBodySchema } },
      },
    ]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is invalid; the message names the field",
  401: "Missing or invalid bearer token",
  404: "Unknown id, or another tenant's",
  409: "Conflicts with the current state",
  413: "The upload is larger than the limit",
  422: "Well-formed but cannot be applied",
  429: "Too many writes with this token; see Retry-After",
};

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/** Ids travel as opaque strings; the length cap keeps junk out of queries and logs. */
export const Id = z.string().min(1).max(100);

/** The `{id}` path parameter every item route takes. */
export const idParam = (example: string) =>
  z.object({ id: Id.openapi({ param: { name: "id", in: "path" }, example }) });

export const PageQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().openapi({ example: 50 }),
};
