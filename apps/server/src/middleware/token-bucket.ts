/**
 * Token buckets keyed by credential: `burst` requests at once, refilled at `perSecond`. A refused
 * take says how long until one token is back, which becomes the 429's Retry-After.
 */
export interface TokenBuckets {
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

/** Full buckets carry no information; past this many keys they are dropped to bound memory. */
const MAX_KEYS = 10_000;

export function createTokenBuckets(options: {
  burst: number;
  perSecond: number;
  now?: () => number;
}): TokenBuckets {
  const { burst, perSecond } = options;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const prune = (t: number) => {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + ((t - bucket.at) / 1000) * perSecond >= burst) buckets.delete(key);
    }
  };

  return {
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= MAX_KEYS) prune(t);
        bucket = { tokens: burst, at: t };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
  };
}
