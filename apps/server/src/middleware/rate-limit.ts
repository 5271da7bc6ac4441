import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.js";
import { ApiError } from "../errors.js";
import type { TokenBuckets } from "./token-bucket.js";

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Limits writes per credential (reads are cheap and polled by design). Runs after auth. */
export function rateLimitWrites(buckets: TokenBuckets): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (WRITES.has(c.req.method)) {
      const taken = buckets.take(c.var.tokenId);
      if (!taken.ok) {
        throw new ApiError(
          429,
          "rate_limited",
          `Too many requests with this token; retry after ${taken.retryAfterSeconds} s.`,
          { "Retry-After": String(taken.retryAfterSeconds) },
        );
      }
    }
    await next();
  };
}
