import type { Queue } from "./queue.js";
import type { TaskLogger } from "./types.js";
import { every } from "./worker/timer.js";

export interface SweeperOptions {
  /** Default 60 s. */
  intervalMs?: number;
  /** Jobs deleted per store call; the sweep loops until a batch comes back short. Default 1000. */
  batchSize?: number;
  logger?: TaskLogger;
}

export interface Sweeper {
  /** Runs one sweep now; resolves to how many jobs were deleted. */
  sweepNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The retention sweeper: every `intervalMs` (on the queue's clock) it deletes terminal jobs whose
 * `expiresAt` has passed, in batches so one sweep never holds a long lock or a long event-loop turn;
 * then it re-checks unfinished children and batches (`queue.sweepFlows`) — which it also does once
 * as it starts.
 */
export function startSweeper(queue: Queue, options: SweeperOptions = {}): Sweeper {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  let inflight: Promise<number> | undefined;

  const sweep = async (): Promise<number> => {
    const cutoff = queue.clock.now();
    let total = 0;
    for (;;) {
      const deleted = await queue.store.deleteExpired(cutoff, batchSize);
      total += deleted;
      if (deleted < batchSize) break;
    }
    // Children and batches whose last end was not counted (a process died in between): finished here.
    await queue.sweepFlows();
    return total;
  };

  const sweepNow = (): Promise<number> => {
    inflight ??= sweep().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  // A process that starts is often the one replacing a process that died (a deploy, a crash): the
  // children whose end that process had written but not counted are counted now, so their parents
  // wake at once instead of at the next interval — which a process killed again sooner never reaches.
  queue.sweepFlows().catch((error: unknown) => {
    options.logger?.error("Flow sweep at start failed; will try again next interval", {
      error: String(error),
    });
  });
  const stopTimer = every(queue.clock, options.intervalMs ?? 60_000, () => {
    sweepNow().catch((error: unknown) => {
      options.logger?.error("Retention sweep failed; will try again next interval", { error: String(error) });
    });
  });

  return {
    sweepNow,
    async stop() {
      stopTimer();
      await inflight?.catch(() => undefined);
    },
  };
}
