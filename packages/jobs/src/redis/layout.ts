import type { Redis } from "ioredis";

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
];

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
  for (const layout of LAYOUTS) {
    if (applied.has(layout.version)) continue;
    await layout.run?.(client, prefix);
    await client.hsetnx(ledger, String(layout.version), layout.name);
  }
}
