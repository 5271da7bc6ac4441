import type { Clock } from "../types.js";

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** A {@link Clock} that moves only when told to: for tests of leases, retries and retention. */
export interface FakeClock extends Clock {
  /** Timers not yet fired. */
  readonly pendingTimers: number;
  /** Moves time to `ms` later, firing due timers in order; lets promises settle after each one. */
  advance(ms: number): Promise<void>;
  /** Sets the time without firing timers (e.g. to start a test at a given instant). */
  set(now: number): void;
}

/** Lets the promise callbacks and I/O queued by a timer callback run before the next timer fires. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();

  const nextDue = (until: number): Timer | undefined => {
    let due: Timer | undefined;
    for (const timer of timers.values()) {
      if (
        timer.at <= until &&
        (due === undefined || timer.at < due.at || (timer.at === due.at && timer.id < due.id))
      ) {
        due = timer;
      }
    }
    return due;
  };

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { id, at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      if (typeof handle === "number") timers.delete(handle);
    },
    get pendingTimers() {
      return timers.size;
    },
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (let timer = nextDue(until); timer !== undefined; timer = nextDue(until)) {
        timers.delete(timer.id);
        now = Math.max(now, timer.at);
        timer.fn();
        await settle();
      }
      now = until;
      await settle();
    },
    set(value) {
      now = value;
    },
  };
}
