import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { callScript } from "./scripts.js";

/**
 * The Redis store's migrations: versions of its key layout (scripts/lib.lua lists the keys), applied
 * in order at init and recorded in the hash `<prefix>:layout` (version -> name). Append-only, like the
 * SQL stores' migrations: a released entry is never edited; a change to the layout is a new entry,
 * with a `run` that moves the data when the old keys cannot simply be read as the new ones.
 */
interface LayoutVersion {
  version: number;
  name: string;
  /** Moves data from the previous layout; absent when nothing moves. Must be safe to run twice. */
  run?: (client: Redis, prefix: string) => Promise<void>;
}

const LAYOUTS: readonly LayoutVersion[] = [
  { version: 1, name: "jobs" },
  {
    // New job fields priority, concurrencyKey and rateKey: absent on older job hashes, which read as
    // priority 0 and null keys. New keys: ready lines, key groups, limits, fair share, schedules. The
    // layout-1 pending line P:p:<type> (every pending job by runAt, member = place in line) is the
    // layout-2 delayed line, same members and scores: its jobs read as delayed jobs that are due and
    // get their ready place as claims come (bounded per claim). Nothing moves, so there is no `run`.
    version: 2,
    name: "queue control: priority, fair share, concurrency keys, rate limits, schedules",
  },
  {
    // New job field traceContext (absent reads as null). New indexes, kept by every status change from
    // now on and built here for the jobs already stored: P:pa:<type> (pending jobs by runAt: stats),
    // P:nrun (running per type), P:tenants (the operator list over every tenant), P:types.
    version: 3,
    name: "operations: stats indexes, tenant registry, trace context, paused types",
    run: backfillOperations,
  },
];

/** Layout 3's indexes for the jobs of older layouts, a bounded slice per script call. */
async function backfillOperations(client: Redis, prefix: string): Promise<void> {
  const run = (args: (string | number)[]) => callScript(client, "backfill", prefix, "layout", args);
  const tenantKeys = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}:t:*`;
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", tenantKeys, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const tenant = key.slice(prefix.length + 3);
      const tmp = `${prefix}:backfill:${randomUUID()}`;
      try {
        const total = Number(await run(["snapshot", tenant, tmp]));
        for (let start = 0; start < total; start += BACKFILL_SLICE) {
          await run(["pending", tmp, start, start + BACKFILL_SLICE - 1]);
        }
      } finally {
        await client.unlink(tmp);
      }
    }
  } while (cursor !== "0");
  await run(["running"]);
}

/** Jobs indexed per script call while backfilling (one call must not block Redis for long). */
const BACKFILL_SLICE = 1000;

/** The newest layout this code writes. */
export const LAYOUT_VERSION = LAYOUTS[LAYOUTS.length - 1]!.version;

/**
 * Applies the versions missing from the ledger. Safe from several processes at once: each step is
 * idempotent and the ledger entry is HSETNX. Refuses a prefix written by a newer layout, whose keys
 * this code would misread.
 */
export async function applyLayout(client: Redis, prefix: string): Promise<void> {
  const ledger = `${prefix}:layout`;
  const applied = new Set(Object.keys(await client.hgetall(ledger)).map(Number));
  const newest = Math.max(0, ...applied);
  if (newest > LAYOUT_VERSION) {
    throw new Error(
      `The Redis keys under prefix "${prefix}" use layout ${newest}, newer than this version of @ledgerflow/jobs knows (${LAYOUT_VERSION}); upgrade every process that uses them.`,
    );
  }
  // A prefix that never had a job (no place in line was ever given) starts at the newest layout.
  const fresh = applied.size === 0 && (await client.exists(`${prefix}:seq`)) === 0;
  for (const layout of LAYOUTS) {
    if (applied.has(layout.version)) continue;
    if (!fresh) await layout.run?.(client, prefix);
    await client.hsetnx(ledger, String(layout.version), layout.name);
  }
}
