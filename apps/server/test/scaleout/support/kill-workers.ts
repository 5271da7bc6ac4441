import type { JobStore } from "@ledgerflow/jobs";
import type { Cluster } from "./cluster.js";
import type { Tracker } from "./tracker.js";

export interface Killer {
  /** Stops killing; resolves once the last replacement worker is up. */
  stop(): Promise<void>;
}

/**
 * Every `everyMs`, SIGKILLs a random worker and starts a replacement. The jobs the victim held at
 * that moment are handed to the tracker, which measures how long until another worker starts them
 * (lease expiry plus the next reclaim pass).
 */
export function killWorkersAtRandom(
  cluster: Cluster,
  store: JobStore,
  tracker: Tracker,
  o: { everyMs: number; while: () => boolean },
): Killer {
  let stopped = false;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopped) {
      await pause(o.everyMs);
      if (stopped || !o.while()) break;
      const victim = cluster.workers[Math.floor(Math.random() * cluster.workers.length)];
      if (!victim) continue;
      const { jobs } = await store.list({ tenantId: cluster.tenantId, status: "running", limit: 500 });
      const held = jobs.filter((j) => j.leaseOwner === victim.id).map((j) => j.id);
      tracker.watchReclaim(held, Date.now());
      await cluster.killAndReplace(victim);
    }
  })();
  return {
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
