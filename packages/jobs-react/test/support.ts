import type { JobStatus, WireJob } from "@ledgerflow/jobs/client";

export function wireJob(overrides: Partial<WireJob> = {}): WireJob {
  const at = "2026-01-01T00:00:00.000Z";
  return {
    id: "job_test",
    type: "categorize_transactions",
    status: "pending",
    progress: 0,
    message: null,
    result: null,
    error: null,
    attempts: 0,
    max_attempts: 4,
    input: { company_id: "co_1", limit: 100 },
    created_at: at,
    updated_at: at,
    run_at: at,
    started_at: null,
    finished_at: null,
    expires_at: null,
    ...overrides,
  };
}

/** A fake API whose job the test moves along; records each request's (fake) time and signal. */
export function fakeJobApi(initial: Partial<WireJob> = { status: "running", progress: 40 }) {
  let current: Partial<WireJob> = initial;
  const calls: { id: string; at: number; signal: AbortSignal }[] = [];
  return {
    calls,
    times: () => calls.map((c) => c.at),
    set(next: Partial<WireJob> & { status: JobStatus }) {
      current = next;
    },
    fetchJob: async (id: string, signal: AbortSignal): Promise<WireJob> => {
      calls.push({ id, at: Date.now(), signal });
      return wireJob({ id, ...current });
    },
  };
}

export function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] ?? 0));
}

/** jsdom's document.visibilityState is read-only: redefine it and fire the event a browser would. */
export function setPageHidden(hidden: boolean): void {
  Object.defineProperty(document, "visibilityState", {
    configurable: true,
    get: () => (hidden ? "hidden" : "visible"),
  });
  document.dispatchEvent(new Event("visibilitychange"));
}
