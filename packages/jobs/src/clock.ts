import type { Clock } from "./types.js";

/** Real time. Tests inject a controllable clock instead (see `@ledgerflow/jobs/testing`). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
