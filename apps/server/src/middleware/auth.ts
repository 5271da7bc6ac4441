import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.js";
import { ApiError } from "../errors.js";

export interface Principal {
  tenantId: string;
  /** The credential's id (not the token): what rate limits and logs use. */
  tokenId: string;
  /** An operator's token may also use /api/admin/… (every tenant's jobs). Absent means no. */
  operator?: boolean;
}

/** Looks a presented bearer token up (by hash); null when it is unknown or revoked. */
export type Authenticate = (token: string) => Promise<Principal | null>;

const BEARER = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{1,512})\s*$/i;

/**
 * Every /api request must carry `Authorization: Bearer <token>`; the tenant comes from the token
 * and nowhere else. Missing and wrong tokens get the same kind of 401 with what to do.
 */
export function bearerAuth(authenticate: Authenticate): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) {
      throw new ApiError(401, "unauthorized", "Sign in: send the header Authorization: Bearer <token>.", {
        "WWW-Authenticate": 'Bearer realm="ledgerflow"',
      });
    }
    const token = BEARER.exec(header)?.[1];
    const principal = token ? await authenticate(token) : null;
    if (!principal) {
      throw new ApiError(
        401,
        "unauthorized",
        "The bearer token is not valid: sign in again or create one with `ledgerflow tenants create NAME`.",
        { "WWW-Authenticate": 'Bearer realm="ledgerflow", error="invalid_token"' },
      );
    }
    c.set("tenantId", principal.tenantId);
    c.set("tokenId", principal.tokenId);
    c.set("operator", principal.operator === true);
    await next();
  };
}

/** How long a verified token is trusted without a database read. Revoking takes effect within this. */
const AUTH_CACHE_MS = 30_000;
const AUTH_CACHE_MAX = 10_000;

/**
 * Remembers verified tokens (by their sha-256, never the token itself) for 30 s: every request is
 * authenticated, and a status poll should not cost a database read for its credential. Unknown
 * tokens are not cached, so a newly created token works at once.
 */
export function cachedAuthenticate(authenticate: Authenticate, now: () => number = Date.now): Authenticate {
  const cache = new Map<string, { principal: Principal; until: number }>();
  return async (token) => {
    const key = createHash("sha256").update(token).digest("base64");
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.principal;
    const principal = await authenticate(token);
    if (principal) {
      if (cache.size >= AUTH_CACHE_MAX) cache.clear();
      cache.set(key, { principal, until: now() + AUTH_CACHE_MS });
    } else cache.delete(key);
    return principal;
  };
}
