import { hash } from "node:crypto";
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

/** How long a verified token is trusted without a database read (see {@link cachedAuthenticate}). */
export const AUTH_CACHE_MS = 10_000;
const AUTH_CACHE_MAX = 10_000;

/** An {@link Authenticate} that remembers verified tokens, with a synchronous look-up and revocation. */
export interface CachedAuthenticate extends Authenticate {
  /**
   * The principal of a token verified within the TTL, without a database read or a promise; undefined
   * when it is not cached (unknown, expired, revoked): the caller then takes the awaited path.
   */
  peek(token: string): Principal | undefined;
  /** Forgets the credential at once: its next request is verified against the store again. */
  revoke(tokenId: string): void;
}

export function isCachedAuthenticate(authenticate: Authenticate): authenticate is CachedAuthenticate {
  const cached = authenticate as Partial<CachedAuthenticate>;
  return typeof cached.peek === "function" && typeof cached.revoke === "function";
}

/**
 * Remembers verified tokens (by their sha-256, never the token itself) for `ttlMs` (10 s): every
 * request is authenticated, and a status poll should not cost a database read for its credential.
 * Unknown tokens are not cached, so a newly created token works at once; `revoke(tokenId)` drops a
 * credential at once in this process (another process's revocation shows within the TTL).
 */
export function cachedAuthenticate(
  authenticate: Authenticate,
  now: () => number = Date.now,
  ttlMs: number = AUTH_CACHE_MS,
): CachedAuthenticate {
  const cache = new Map<string, { principal: Principal; until: number }>();
  const keyOf = (token: string) => hash("sha256", token, "base64");
  // Revocation bumps the generation, so a verification that was in flight when the token was revoked
  // does not put it back into the cache.
  let generation = 0;
  const cached = async (token: string) => {
    const key = keyOf(token);
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.principal;
    const started = generation;
    const principal = await authenticate(token);
    if (principal && started === generation) {
      if (cache.size >= AUTH_CACHE_MAX) cache.clear();
      cache.set(key, { principal, until: now() + ttlMs });
    } else cache.delete(key);
    return principal;
  };
  return Object.assign(cached, {
    peek(token: string): Principal | undefined {
      const key = keyOf(token);
      const hit = cache.get(key);
      if (hit === undefined) return undefined;
      if (hit.until > now()) return hit.principal;
      cache.delete(key);
      return undefined;
    },
    revoke(tokenId: string): void {
      generation++;
      for (const [key, entry] of cache) if (entry.principal.tokenId === tokenId) cache.delete(key);
    },
  });
}
