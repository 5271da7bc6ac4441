import type { JobStore } from "../types.js";
import { MemoryJobStore } from "./store.js";

/** An in-process store for tests and demos: fast, not durable, events only within this process. */
export function createMemoryStore(): JobStore {
  return new MemoryJobStore();
}

export { MemoryJobStore };
