import { afterEach, beforeEach } from "vitest";
import { newJobId } from "../../src/ids.js";
import type { Fairness, JobEvent, JobStore, Lease, NewJob } from "../../src/types.js";

export interface StoreConformanceOptions {
  /** Shown in the test names, e.g. "sqlite". */
  name: string;
  /**
   * A fresh, isolated store for one test (own schema / key prefix / file). `init()` is called for you.
   * `options.fairness` must reach the store's own option of that name (tests of "fifo" order pass it).
   */
  createStore: (options?: StoreVariant) => Promise<JobStore>;
  /** Tears down what createStore made (drop the schema, delete keys). `close()` is called for you first. */
  destroyStore?: (store: JobStore) => Promise<void>;
  /** false while a store has no `store.flows` yet: the flow tests are skipped (named so). Default true. */
  flows?: boolean;
  /** Set (to the reason) when the store's service is not reachable: every test is then skipped. */
  skip?: string;
}

/** A fixed instant the store-level tests pass as "now": stores never read a clock of their own. */
export const T0 = 1_700_000_000_000;
export const TENANT = "tenant_a";
export const OTHER_TENANT = "tenant_b";
export const TYPE = "conformance_task";
export const DAY = 24 * 60 * 60 * 1000;

export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    tenantId: TENANT,
    type: TYPE,
    input: { n: 1 },
    maxAttempts: 3,
    runAt: T0,
    now: T0,
    ...overrides,
  };
}

/** Store options the suite varies. */
export interface StoreVariant {
  fairness?: Fairness;
}

export interface StoreHarness {
  readonly store: JobStore;
  /** Another fresh store with these options, initialised, closed and destroyed after the test. */
  variant(options: StoreVariant): Promise<JobStore>;
  /** Runs `fn` after the test, before the store is closed (stop workers, unsubscribe). */
  defer(fn: () => unknown): void;
}

/** Registers beforeEach/afterEach that give each test its own store and always clean it up. */
export function useStore(options: StoreConformanceOptions): StoreHarness {
  let current: JobStore | undefined;
  let cleanups: Array<() => unknown> = [];
  beforeEach(async () => {
    current = await options.createStore();
    await current.init();
  });
  afterEach(async () => {
    const store = current;
    current = undefined;
    for (const fn of cleanups.reverse()) await fn();
    cleanups = [];
    if (store === undefined) return;
    await store.close();
    await options.destroyStore?.(store);
  });
  return {
    async variant(variant) {
      const store = await options.createStore(variant);
      await store.init();
      cleanups.push(async () => {
        await store.close();
        await options.destroyStore?.(store);
      });
      return store;
    },
    get store() {
      if (current === undefined) throw new Error("The store is only available inside a test.");
      return current;
    },
    defer(fn) {
      cleanups.push(fn);
    },
  };
}

export function leaseOf(job: { id: string; leaseOwner: string | null; attempts: number }): Lease {
  if (job.leaseOwner === null) throw new Error(`Job ${job.id} has no lease owner`);
  return { jobId: job.id, workerId: job.leaseOwner, attempt: job.attempts };
}

/**
 * Polls `check` until it stops throwing (real time, short steps): stores on a network deliver writes
 * and events asynchronously, so tests wait for the effect instead of assuming it is immediate.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Records every event the store delivers, for assertions with {@link eventually}. */
export function recordEvents(h: StoreHarness): JobEvent[] {
  const events: JobEvent[] = [];
  const off = h.store.subscribe((event) => events.push(event));
  h.defer(off);
  return events;
}
