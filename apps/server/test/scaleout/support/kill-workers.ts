import type { JobStore } from "@ledgerflow/jobs";
import type { Cluster } from "./cluster.js";
import type { Tracker } from "./tracker.js";

export interface Killer {
  /** Stops killing; resolves once the last replacement worker is up. */
  stop(): Promise<void>;
  /**
   * Jobs a killed worker still held once its replacement was up: no write of the victim can finish
   * them any more, so another worker must reclaim each. 0 when every job listed at a kill was already
   * finished, its completion on the wire (short jobs often are).
   */
  orphaned(): number;
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
  o: { everyMs: number; while: (orphaned: number) => boolean },
): Killer {
  let orphaned = 0;
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
      if (stopped || !o.while(orphaned)) break;
      const { jobs } = await store.list({ tenantId: cluster.tenantId, status: "running", limit: 500 });
      const victim = pickVictim(cluster.workers, jobs);
      if (!victim) continue;
      const held = jobs.filter((j) => j.leaseOwner === victim.id).map((j) => j.id);
      tracker.watchReclaim(held, Date.now());
      await cluster.killAndReplace(victim);
      const after = await store.list({ tenantId: cluster.tenantId, status: "running", limit: 500 });
      orphaned += after.jobs.filter((j) => j.leaseOwner === victim.id).length;
    }
  })();
  return {
    orphaned: () => orphaned,
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}

/**
 * A worker running an upload (seconds long, so the kill surely interrupts it and its job must be
 * reclaimed), else one at random. A short job listed as running is often already finished, its
 * completion on the wire: the server commits a write it received even after the client is killed,
 * so killing such a worker proves little.
 */
function pickVictim<W extends { id: string }>(
  workers: readonly W[],
  running: readonly { leaseOwner: string | null; type: string }[],
): W | undefined {
  const uploading = new Set(
    running.filter((j) => j.type === "upload_and_categorize").map((j) => j.leaseOwner),
  );
  const candidates = workers.filter((w) => uploading.has(w.id));
  const pool = candidates.length > 0 ? candidates : workers;
  return pool[Math.floor(Math.random() * pool.length)];
}
