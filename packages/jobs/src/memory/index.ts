import type { JobStore } from "../types.js";
import { MemoryJobStore, type MemoryStoreOptions } from "./store.js";

/** An in-process store for tests and demos: fast, not durable, events only within this process. */
export function createMemoryStore(options: MemoryStoreOptions = {}): JobStore {
  return new MemoryJobStore(options);
}

export { MemoryJobStore, type MemoryStoreOptions };
