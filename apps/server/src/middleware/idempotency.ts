import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.js";
import { ApiError } from "../errors.js";

const KEY = /^[\x21-\x7e]{1,255}$/;
const TTL_MS = 24 * 3_600_000;
const MAX_ENTRIES = 10_000;

interface Stored {
  status: number;
  body: ArrayBuffer;
  headers: Array<[string, string]>;
  expiresAt: number;
}

/**
 * `Idempotency-Key` on POSTs: the first successful (2xx) answer for a key is replayed for repeats
 * from the same tenant to the same path for 24 h, with `Idempotent-Replayed: true`; a repeat while the
 * first is still running is a 409. This cache is per process; the job routes also hand the key to the
 * queue, whose store makes job creation idempotent across processes and restarts.
 */
export function idempotentPosts(now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  const done = new Map<string, Stored>();
  const running = new Set<string>();

  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || key === undefined) return next();
    if (!KEY.test(key)) {
      throw new ApiError(400, "invalid_request", "Idempotency-Key: use 1–255 printable ASCII characters.");
    }
    const slot = `${c.var.tenantId}\n${c.req.path}\n${key}`;
    const stored = done.get(slot);
    if (stored && stored.expiresAt > now()) {
      const headers = new Headers(stored.headers);
      headers.set("Idempotent-Replayed", "true");
      c.res = new Response(stored.body, { status: stored.status, headers });
      return;
    }
    if (running.has(slot)) {
      throw new ApiError(
        409,
        "conflict",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
      );
    }
    running.add(slot);
    try {
      await next();
      if (c.res.status >= 200 && c.res.status < 300) {
        if (done.size >= MAX_ENTRIES) {
          const t = now();
          for (const [k, v] of done) if (v.expiresAt <= t || done.size >= MAX_ENTRIES) done.delete(k);
        }
        const body = await c.res.clone().arrayBuffer();
        const headers = [...c.res.headers.entries()].filter(([name]) => name !== "x-request-id");
        done.set(slot, { status: c.res.status, body, headers, expiresAt: now() + TTL_MS });
      }
    } finally {
      running.delete(slot);
    }
  };
}
