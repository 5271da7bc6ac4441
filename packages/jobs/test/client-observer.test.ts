import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  JobFetchError,
  JobObserver,
  type JobUpdate,
  type OpenJobEvents,
  type Visibility,
  type WireChildCounts,
  type WireFlow,
  type WireJob,
} from "../src/client/index.js";
import type { OpenJobFlowEvents } from "../src/client/observer.js";
import type { JobStatus } from "../src/types.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("JobObserver polling", () => {
  it("reads at once, then waits 1 s ×5, 1.5 s ×5, 2.25 s … on the seed's schedule", async () => {
    const api = scriptedFetcher("running");
    const observer = new JobObserver("job_a", { fetchJob: api.fetchJob, visibility: fakeVisibility() });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.requestTimes[0]).toBe(0);
    expect(gaps(api.requestTimes).slice(0, 16)).toEqual([
      1000, 1000, 1000, 1000, 1500, 1500, 1500, 1500, 1500, 2250, 2250, 2250, 2250, 2250, 3375, 3375,
    ]);
    unsubscribe();
  });

  it("never sends a request while one is still out: the wait starts when the answer arrives", async () => {
    let outstanding = 0;
    let maxOutstanding = 0;
    const requestTimes: number[] = [];
    const slowFetch = async (id: string) => {
      requestTimes.push(Date.now());
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      outstanding--;
      return wireJob({ id, status: "running" });
    };
    const observer = new JobObserver("job_a", { fetchJob: slowFetch, visibility: fakeVisibility() });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(20_000);
    expect(maxOutstanding).toBe(1);
    expect(gaps(requestTimes).slice(0, 3)).toEqual([3500, 3500, 3500]);
    unsubscribe();
  });

  it("stops on a terminal status and keeps the result", async () => {
    const api = scriptedFetcher("running");
    const observer = new JobObserver("job_a", { fetchJob: api.fetchJob, visibility: fakeVisibility() });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(2000);
    api.setStatus("complete");
    await vi.advanceTimersByTimeAsync(1000);
    const count = api.requestTimes.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.requestTimes.length).toBe(count);
    expect(observer.getSnapshot()).toMatchObject({
      status: "complete",
      progress: 100,
      settled: true,
      result: { journal_entries_created: 3 },
    });
    expect(vi.getTimerCount()).toBe(0);
    unsubscribe();
  });

  it("aborts the request in flight and leaves no timer when the last subscriber leaves", async () => {
    const api = scriptedFetcher("running");
    const observer = new JobObserver("job_a", { fetchJob: api.fetchJob, visibility: fakeVisibility() });
    const unsubscribe = observer.subscribe(() => {});
    unsubscribe();
    expect(api.signals[0]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.requestTimes).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("pauses while the page is hidden and reads at once when it shows again", async () => {
    const api = scriptedFetcher("running");
    const visibility = fakeVisibility();
    const observer = new JobObserver("job_a", { fetchJob: api.fetchJob, visibility });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    visibility.setHidden(true);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(api.requestTimes).toEqual([0]);
    visibility.setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(api.requestTimes).toEqual([0, 20_000]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.requestTimes).toEqual([0, 20_000, 21_000]);
    unsubscribe();
  });

  it("retries network errors with growing waits, surfaces them, and recovers", async () => {
    let failuresLeft = 3;
    const requestTimes: number[] = [];
    const flaky = async (id: string) => {
      requestTimes.push(Date.now());
      if (failuresLeft-- > 0) throw new TypeError("Failed to fetch");
      return wireJob({ id, status: "running", progress: 50 });
    };
    const observer = new JobObserver("job_a", { fetchJob: flaky, visibility: fakeVisibility() });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(observer.getSnapshot().error).toMatchObject({ code: "network" });
    expect(observer.getSnapshot().settled).toBe(false);
    await vi.advanceTimersByTimeAsync(7000);
    expect(gaps(requestTimes)).toEqual([1000, 2000, 4000]);
    expect(observer.getSnapshot()).toMatchObject({ status: "running", progress: 50, error: null });
    unsubscribe();
  });

  it("settles with not_found for an unknown or other tenant's job, without asking again", async () => {
    const fetchJob = vi.fn(async () => {
      throw JobFetchError.fromStatus(404, "no such job");
    });
    const observer = new JobObserver("job_other", { fetchJob, visibility: fakeVisibility() });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetchJob).toHaveBeenCalledTimes(1);
    expect(observer.getSnapshot()).toMatchObject({
      settled: true,
      status: null,
      error: { code: "not_found" },
    });
    unsubscribe();
  });
});

describe("JobObserver SSE mode", () => {
  it("follows pushed updates, then reads the full job once terminal", async () => {
    const api = scriptedFetcher("running");
    let push: (update: JobUpdate) => void = () => {};
    const openEvents: OpenJobEvents = (_id, onUpdate, signal) =>
      new Promise((_resolve, reject) => {
        push = onUpdate;
        signal.addEventListener("abort", () => reject(signal.reason));
      });
    const observer = new JobObserver("job_a", {
      fetchJob: api.fetchJob,
      openEvents,
      mode: "sse",
      visibility: fakeVisibility(),
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    push({ status: "running", progress: 70, message: "Categorizing transaction 7/10..." });
    expect(observer.getSnapshot()).toMatchObject({
      progress: 70,
      message: "Categorizing transaction 7/10...",
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.requestTimes).toHaveLength(1);
    api.setStatus("complete");
    push({ status: "complete", progress: 100, message: "Done" });
    await vi.advanceTimersByTimeAsync(0);
    expect(api.requestTimes).toHaveLength(2);
    expect(observer.getSnapshot()).toMatchObject({ settled: true, result: { journal_entries_created: 3 } });
    unsubscribe();
  });

  it("takes whole jobs pushed by the server as they are, without reading again", async () => {
    const api = scriptedFetcher("running");
    const openEvents: OpenJobEvents = async (id, onUpdate) => {
      onUpdate(wireJob({ id, status: "running", progress: 55 }));
      onUpdate(wireJob({ id, status: "complete", progress: 100, result: { parsed: 10 } }));
    };
    const observer = new JobObserver("job_a", {
      fetchJob: api.fetchJob,
      openEvents,
      mode: "sse",
      visibility: fakeVisibility(),
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.requestTimes).toHaveLength(1);
    expect(observer.getSnapshot()).toMatchObject({ settled: true, progress: 100, result: { parsed: 10 } });
    unsubscribe();
  });

  it("falls back to polling when the stream fails", async () => {
    const api = scriptedFetcher("running");
    const openEvents: OpenJobEvents = async () => {
      throw new Error("stream refused");
    };
    const observer = new JobObserver("job_a", {
      fetchJob: api.fetchJob,
      openEvents,
      mode: "sse",
      visibility: fakeVisibility(),
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(2000);
    expect(observer.getSnapshot().transport).toBe("poll");
    expect(api.requestTimes).toEqual([0, 0, 1000, 2000]);
    unsubscribe();
  });
});

describe("JobObserver children (a job that spawned some)", () => {
  const flow = (total: number, ended: number): WireFlow => ({
    job_id: "job_a",
    steps: [],
    parent_id: null,
    batch_id: null,
    children: { total, ended, group_ids: total ? ["grp_1"] : [], jobs: [] },
  });

  it("polling: reads the flow after each job answer once the job has progress, never more often", async () => {
    let job: Partial<WireJob> = { status: "running", progress: 0 };
    const jobTimes: number[] = [];
    const flowTimes: number[] = [];
    let counts = { total: 40, ended: 7 };
    const observer = new JobObserver("job_a", {
      fetchJob: async (id) => {
        jobTimes.push(Date.now());
        return wireJob({ id, ...job });
      },
      fetchFlow: async () => {
        flowTimes.push(Date.now());
        return flow(counts.total, counts.ended);
      },
      visibility: fakeVisibility(),
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(1500);
    // Progress 0 and never started: no child can exist yet, so no flow read.
    expect(flowTimes).toEqual([]);
    expect(observer.getSnapshot().children).toBeNull();
    job = { status: "pending", progress: 10, started_at: "2026-01-01T00:00:01.000Z" };
    await vi.advanceTimersByTimeAsync(1000);
    expect(observer.getSnapshot()).toMatchObject({ status: "pending", children: { total: 40, ended: 7 } });
    counts = { total: 40, ended: 12 };
    await vi.advanceTimersByTimeAsync(3000);
    expect(observer.getSnapshot().children).toEqual({ total: 40, ended: 12 });
    expect(flowTimes.length).toBeGreaterThan(1);
    expect(flowTimes.length).toBeLessThanOrEqual(jobTimes.length);
    for (const at of flowTimes) expect(jobTimes).toContain(at);
    // Terminal: no more reads of either.
    job = { status: "complete", progress: 100 };
    await vi.advanceTimersByTimeAsync(1000);
    const reads = flowTimes.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(flowTimes.length).toBe(reads);
    expect(observer.getSnapshot().settled).toBe(true);
    unsubscribe();
  });

  it("polling: a parent that spawned at progress 0 and waits (pending, started) is asked for its children", async () => {
    const observer = new JobObserver("job_a", {
      fetchJob: async (id) =>
        wireJob({ id, status: "pending", progress: 0, started_at: "2026-01-01T00:00:00Z" }),
      fetchFlow: async () => flow(3, 1),
      visibility: fakeVisibility(),
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(observer.getSnapshot().children).toEqual({ total: 3, ended: 1 });
    unsubscribe();
  });

  it("polling: a flow without children leaves them null, and a failed flow read keeps the last counts", async () => {
    let answer: () => Promise<WireFlow> = async () => flow(0, 0);
    const observer = new JobObserver("job_a", {
      fetchJob: async (id) => wireJob({ id, status: "running", progress: 30 }),
      fetchFlow: () => answer(),
      visibility: fakeVisibility(),
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(observer.getSnapshot().children).toBeNull();
    answer = async () => flow(4, 2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(observer.getSnapshot().children).toEqual({ total: 4, ended: 2 });
    answer = async () => {
      throw new JobFetchError("network", "offline");
    };
    await vi.advanceTimersByTimeAsync(1000);
    expect(observer.getSnapshot()).toMatchObject({ children: { total: 4, ended: 2 }, error: null });
    unsubscribe();
  });

  it("SSE: takes the stream's children counts, only forward, and does not read the flow", async () => {
    const api = scriptedFetcher("running");
    let report: (counts: WireChildCounts) => void = () => {};
    const fetchFlow = vi.fn(async () => flow(1, 0));
    const openEvents: OpenJobFlowEvents = (id, onUpdate, signal, onChildren) =>
      new Promise((_resolve, reject) => {
        onUpdate(wireJob({ id, status: "pending", progress: 20, started_at: "2026-01-01T00:00:00Z" }));
        report = (counts) => onChildren?.(counts);
        signal.addEventListener("abort", () => reject(signal.reason));
      });
    const observer = new JobObserver("job_a", {
      fetchJob: api.fetchJob,
      fetchFlow,
      openEvents,
      mode: "sse",
      visibility: fakeVisibility(),
    });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(observer.getSnapshot().children).toBeNull();
    report({ total: 40, ended: 0 });
    expect(observer.getSnapshot()).toMatchObject({ status: "pending", children: { total: 40, ended: 0 } });
    report({ total: 40, ended: 7 });
    report({ total: 40, ended: 6 }); // a child event trailing the counts by one
    expect(observer.getSnapshot().children).toEqual({ total: 40, ended: 7 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchFlow).not.toHaveBeenCalled();
    unsubscribe();
  });
});

function wireJob(overrides: Partial<WireJob> = {}): WireJob {
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
    input: {},
    created_at: at,
    updated_at: at,
    run_at: at,
    started_at: null,
    finished_at: null,
    expires_at: null,
    ...overrides,
  };
}

/** A page whose visibility the test flips. */
function fakeVisibility(): Visibility & { setHidden(hidden: boolean): void } {
  let hidden = false;
  const listeners = new Set<() => void>();
  return {
    isHidden: () => hidden,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setHidden(value) {
      hidden = value;
      for (const l of listeners) l();
    },
  };
}

/** A fetcher that answers `status` (changeable) and records when each request was made (fake time). */
function scriptedFetcher(initial: JobStatus = "running") {
  let status: JobStatus = initial;
  const requestTimes: number[] = [];
  const signals: AbortSignal[] = [];
  const fetchJob = async (id: string, signal: AbortSignal): Promise<WireJob> => {
    requestTimes.push(Date.now());
    signals.push(signal);
    const progress = status === "complete" ? 100 : 40;
    return wireJob({
      id,
      status,
      progress,
      result: status === "complete" ? { journal_entries_created: 3 } : null,
      error: status === "failed" ? { code: "handler_error", message: "Database connection timeout" } : null,
    });
  };
  return {
    fetchJob,
    requestTimes,
    signals,
    setStatus(next: JobStatus) {
      status = next;
    },
  };
}

/** Gaps between consecutive request times. */
function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] ?? 0));
}
