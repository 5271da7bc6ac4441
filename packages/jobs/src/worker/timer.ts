import type { Clock } from "../types.js";

/**
 * Calls `fn` every `ms` on the injected clock (which has no setInterval). One such timer per worker
 * and concern, never one per job.
 */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: unknown;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    fn();
    if (!stopped) handle = clock.setTimeout(tick, ms);
  };
  handle = clock.setTimeout(tick, ms);
  return () => {
    stopped = true;
    clock.clearTimeout(handle);
  };
}

/**
 * One timer for many deadlines: armed for the earliest, re-armed only when an earlier one arrives.
 * Jobs started later have later deadlines, so starting a job almost never touches the timer.
 */
export class DeadlineTimer {
  private handle: unknown;
  private at = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (now: number) => void,
  ) {}

  arm(at: number): void {
    if (at >= this.at) return;
    this.clear();
    this.at = at;
    this.handle = this.clock.setTimeout(this.fire, Math.max(0, at - this.clock.now()));
  }

  clear(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }

  private readonly fire = (): void => {
    this.handle = undefined;
    this.at = Number.POSITIVE_INFINITY;
    this.onDue(this.clock.now());
  };
}
