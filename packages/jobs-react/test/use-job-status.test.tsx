import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobsClientProvider, useJobStatus } from "../src/index.js";
import { fakeJobApi, gaps, setPageHidden } from "./support.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  setPageHidden(false);
  vi.useRealTimers();
});

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe("useJobStatus", () => {
  it("polls at once, then every 1 s for polls 0–4, 1.5 s for 5–9, 2.25 s for 10–14, capped at 5 s", async () => {
    const api = fakeJobApi();
    const { unmount } = renderHook(() => useJobStatus("job_a", { fetchJob: api.fetchJob }));
    await advance(60_000);
    const waits = gaps(api.times());
    expect(api.times()[0]).toBe(0);
    expect(waits.slice(0, 5)).toEqual([1000, 1000, 1000, 1000, 1500]);
    expect(waits.slice(5, 10)).toEqual([1500, 1500, 1500, 1500, 2250]);
    expect(waits.slice(10, 15)).toEqual([2250, 2250, 2250, 2250, 3375]);
    expect(waits.slice(19)).toEqual(waits.slice(19).map(() => 5000));
    unmount();
  });

  it("returns status, progress, message, result and error", async () => {
    const api = fakeJobApi({
      status: "running",
      progress: 45,
      message: "Categorizing transaction 45/100...",
    });
    const { result, unmount } = renderHook(() => useJobStatus("job_a", { fetchJob: api.fetchJob }));
    expect(result.current.status).toBeNull();
    await advance(0);
    expect(result.current).toMatchObject({
      status: "running",
      progress: 45,
      message: "Categorizing transaction 45/100...",
      result: null,
      error: null,
    });
    unmount();
  });

  it("stops polling on a terminal status and calls onComplete once with the result", async () => {
    const api = fakeJobApi();
    const onComplete = vi.fn();
    const { rerender, unmount } = renderHook(() =>
      useJobStatus("job_a", { fetchJob: api.fetchJob, onComplete }),
    );
    await advance(2000);
    api.set({ status: "complete", progress: 100, result: { journal_entries_created: 95 } });
    await advance(1000);
    const requests = api.calls.length;
    await advance(30_000);
    rerender();
    rerender();
    expect(api.calls.length).toBe(requests);
    expect(onComplete).toHaveBeenCalledTimes(1);
    expect(onComplete).toHaveBeenCalledWith(
      { journal_entries_created: 95 },
      expect.objectContaining({ id: "job_a" }),
    );
    expect(vi.getTimerCount()).toBe(0);
    unmount();
  });

  it("calls onError once with the job's error when it fails", async () => {
    const api = fakeJobApi({
      status: "failed",
      progress: 35,
      error: { code: "handler_error", message: "Boom" },
    });
    const onError = vi.fn();
    const onComplete = vi.fn();
    const { unmount } = renderHook(() =>
      useJobStatus("job_a", { fetchJob: api.fetchJob, onComplete, onError }),
    );
    await advance(10_000);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith({ code: "handler_error", message: "Boom" }, expect.anything());
    expect(onComplete).not.toHaveBeenCalled();
    unmount();
  });

  it("aborts the request in flight and schedules nothing more on unmount", async () => {
    const api = fakeJobApi();
    const { unmount } = renderHook(() => useJobStatus("job_a", { fetchJob: api.fetchJob }));
    await advance(1000);
    const count = api.calls.length;
    unmount();
    expect(api.calls.at(-1)?.signal.aborted).toBe(true);
    await advance(30_000);
    expect(api.calls.length).toBe(count);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("starts over for a new jobId: state reset, schedule from 1 s, old job no longer polled", async () => {
    const api = fakeJobApi();
    const { result, rerender, unmount } = renderHook(
      ({ id }) => useJobStatus(id, { fetchJob: api.fetchJob }),
      {
        initialProps: { id: "job_a" },
      },
    );
    await advance(12_000);
    expect(result.current.status).toBe("running");
    const switchedAt = Date.now();
    rerender({ id: "job_b" });
    expect(result.current.status).toBeNull();
    await advance(3000);
    const after = api.calls.filter((c) => c.at >= switchedAt);
    expect(after.map((c) => c.id)).toEqual(["job_b", "job_b", "job_b", "job_b"]);
    expect(gaps(after.map((c) => c.at))).toEqual([1000, 1000, 1000]);
    unmount();
  });

  it("pauses while the tab is hidden and fetches at once when it is visible again", async () => {
    const api = fakeJobApi();
    const { unmount } = renderHook(() => useJobStatus("job_a", { fetchJob: api.fetchJob }));
    await advance(0);
    act(() => setPageHidden(true));
    await advance(30_000);
    expect(api.times()).toEqual([0]);
    act(() => setPageHidden(false));
    await advance(0);
    expect(api.times()).toEqual([0, 30_000]);
    unmount();
  });

  it("surfaces network errors and keeps retrying with backoff", async () => {
    let fail = true;
    const times: number[] = [];
    const fetchJob = vi.fn(async () => {
      times.push(Date.now());
      if (fail) throw new TypeError("Failed to fetch");
      return (await fakeJobApi().fetchJob("job_a", new AbortController().signal)) as never;
    });
    const { result, unmount } = renderHook(() => useJobStatus("job_a", { fetchJob }));
    await advance(0);
    expect(result.current.error).toMatchObject({ code: "network" });
    await advance(3000);
    expect(gaps(times)).toEqual([1000, 2000]);
    fail = false;
    await advance(4000);
    expect(result.current).toMatchObject({ status: "running", error: null });
    unmount();
  });

  it("follows nothing for a null jobId", async () => {
    const api = fakeJobApi();
    const { result, unmount } = renderHook(() => useJobStatus(null, { fetchJob: api.fetchJob }));
    await advance(5000);
    expect(api.calls).toHaveLength(0);
    expect(result.current.status).toBeNull();
    unmount();
  });
});

describe("useJobStatus for a job with children", () => {
  const flow = (total: number, ended: number) => ({
    job_id: "job_a",
    steps: [],
    parent_id: null,
    batch_id: null,
    children: { total, ended, group_ids: ["grp_1"], jobs: [] },
  });

  it("returns the children counts read from the flow while polling (null before)", async () => {
    const api = fakeJobApi({ status: "running", progress: 25, started_at: "2026-01-01T00:00:01.000Z" });
    const fetchFlow = vi.fn(async () => flow(8, 2));
    const { result, unmount } = renderHook(() =>
      useJobStatus("job_a", { fetchJob: api.fetchJob, fetchFlow }),
    );
    expect(result.current.children).toBeNull();
    await advance(0);
    expect(result.current.children).toEqual({ total: 8, ended: 2 });
    unmount();
  });

  it("does not mix the provider's flow reader with a job read elsewhere (a fetchJob option)", async () => {
    const api = fakeJobApi({ status: "running", progress: 25 });
    const providerFlow = vi.fn(async () => flow(8, 2));
    const wrapper = ({ children }: { children: ReactNode }) => (
      <JobsClientProvider client={{ fetchJob: api.fetchJob, fetchFlow: providerFlow }}>
        {children}
      </JobsClientProvider>
    );
    const { result, unmount } = renderHook(() => useJobStatus("job_a", { fetchJob: api.fetchJob }), {
      wrapper,
    });
    await advance(3000);
    expect(providerFlow).not.toHaveBeenCalled();
    expect(result.current.children).toBeNull();
    unmount();
  });
});
