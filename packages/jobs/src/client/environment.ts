/** Timers, injected so tests can drive the observer in fake time (defaults read the globals lazily). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const globalTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Whether the page is visible; polling pauses while it is hidden (TanStack's focusManager idea). */
export interface Visibility {
  isHidden(): boolean;
  subscribe(onChange: () => void): () => void;
}

export const documentVisibility: Visibility = {
  isHidden: () => typeof document !== "undefined" && document.visibilityState === "hidden",
  subscribe(onChange) {
    if (typeof document === "undefined") return () => {};
    document.addEventListener("visibilitychange", onChange);
    return () => document.removeEventListener("visibilitychange", onChange);
  },
};
