import { useEffect, useRef } from "react";

/**
 * Calls `tick` every `intervalMs` after the previous call finished (never overlapping), skips while
 * the tab is hidden and calls at once when it is visible again: the dashboard's live updates cost
 * nothing in a background tab.
 */
export function useVisibleInterval(tick: () => Promise<unknown>, intervalMs: number | null): void {
  const latest = useRef(tick);
  latest.current = tick;

  useEffect(() => {
    if (intervalMs === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let stopped = false;
    const run = async () => {
      clearTimeout(timer);
      if (stopped || running) return;
      if (document.visibilityState === "hidden") return;
      running = true;
      try {
        await latest.current();
      } catch {
        // The page shows its own error; the next tick tries again.
      } finally {
        running = false;
        if (!stopped) timer = setTimeout(run, intervalMs);
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") void run();
    };
    timer = setTimeout(run, intervalMs);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [intervalMs]);
}
