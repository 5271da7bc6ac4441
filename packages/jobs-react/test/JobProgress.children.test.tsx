import type { JobUpdate, WireChildCounts, WireFlow, WireJob } from "@ledgerflow/jobs/client";
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobProgress, JobsClientProvider, type OpenJobFlowEvents } from "../src/index.js";
import { fakeJobApi, wireJob } from "./support.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
const started = "2026-01-01T00:00:01.000Z";

/** A parent's flow with `total` children of which `ended` ended. */
function flowOf(total: number, ended: number): WireFlow {
  return {
    job_id: "job_a",
    steps: [],
    parent_id: null,
    batch_id: null,
    children: { total, ended, group_ids: ["grp_1"], jobs: [] },
  };
}

function fakeFlowApi(total: number, ended: number) {
  let counts = { total, ended };
  const calls: number[] = [];
  return {
    calls,
    set(next: { total: number; ended: number }) {
      counts = next;
    },
    fetchFlow: async (): Promise<WireFlow> => {
      calls.push(Date.now());
      return flowOf(counts.total, counts.ended);
    },
  };
}

const bar = () => screen.getByRole("progressbar", { name: "Categorizing: progress" });
const statusText = () => screen.getByRole("status").textContent;

describe("<JobProgress> for a job with children, polling", () => {
  it("a waiting parent (pending) reads as running its chunks: 'chunk 7/40' and the bar at 7/40", async () => {
    const api = fakeJobApi({
      status: "pending",
      progress: 10,
      message: "Split into 40 chunks",
      started_at: started,
    });
    const flow = fakeFlowApi(40, 7);
    render(
      <JobProgress jobId="job_a" title="Categorizing" fetchJob={api.fetchJob} fetchFlow={flow.fetchFlow} />,
    );
    await advance(0);
    expect(statusText()).toBe("Split into 40 chunks — chunk 7/40");
    expect(statusText()).not.toContain("queued");
    expect(bar().getAttribute("aria-valuenow")).toBe("18");
    expect(screen.getByText("18%")).toBeTruthy();
    expect(screen.getByRole("region", { name: "Categorizing" }).getAttribute("data-phase")).toBe("running");

    flow.set({ total: 40, ended: 30 });
    await advance(1000);
    expect(statusText()).toContain("chunk 30/40");
    expect(bar().getAttribute("aria-valuenow")).toBe("75");
  });

  it("reads the flow no more often than the job, and stops with it once terminal", async () => {
    const api = fakeJobApi({ status: "running", progress: 5, started_at: started });
    const flow = fakeFlowApi(4, 1);
    render(
      <JobProgress jobId="job_a" title="Categorizing" fetchJob={api.fetchJob} fetchFlow={flow.fetchFlow} />,
    );
    await advance(5000);
    expect(flow.calls.length).toBeGreaterThan(0);
    expect(flow.calls.length).toBeLessThanOrEqual(api.calls.length);
    api.set({ status: "complete", progress: 100, result: { journal_entries_created: 4 } });
    await advance(2000);
    const reads = flow.calls.length;
    await advance(30_000);
    expect(flow.calls.length).toBe(reads);
    expect(statusText()).toBe("Complete");
    expect(bar().getAttribute("aria-valuenow")).toBe("100");
  });

  it("a queued job that never ran stays 'Job queued' and its flow is not read", async () => {
    const api = fakeJobApi({ status: "pending", progress: 0 });
    const flow = fakeFlowApi(0, 0);
    render(
      <JobProgress jobId="job_a" title="Categorizing" fetchJob={api.fetchJob} fetchFlow={flow.fetchFlow} />,
    );
    await advance(3000);
    expect(statusText()).toBe("Job queued");
    expect(flow.calls).toEqual([]);
  });

  it("once every chunk ended and the parent runs again, its own progress and message are back", async () => {
    const api = fakeJobApi({
      status: "running",
      progress: 90,
      message: "Merging results",
      started_at: started,
    });
    const flow = fakeFlowApi(40, 40);
    render(
      <JobProgress jobId="job_a" title="Categorizing" fetchJob={api.fetchJob} fetchFlow={flow.fetchFlow} />,
    );
    await advance(0);
    expect(statusText()).toBe("Merging results — 90% complete");
    expect(bar().getAttribute("aria-valuenow")).toBe("90");
  });

  it("uses the provider's flow reader when the job is read through the provider too", async () => {
    const api = fakeJobApi({ status: "pending", progress: 20, started_at: started });
    const flow = fakeFlowApi(3, 2);
    render(
      <JobsClientProvider client={{ fetchJob: api.fetchJob, fetchFlow: flow.fetchFlow }}>
        <JobProgress jobId="job_a" title="Categorizing" />
      </JobsClientProvider>,
    );
    await advance(0);
    expect(statusText()).toContain("chunk 2/3");
  });
});

describe("<JobProgress> for a job with children, over SSE", () => {
  it("takes the counts from the stream's children events, without reading the flow", async () => {
    const api = fakeJobApi({ status: "running", progress: 10, started_at: started });
    const flow = fakeFlowApi(1, 0);
    let push: (update: JobUpdate) => void = () => {};
    let report: (counts: WireChildCounts) => void = () => {};
    const openEvents: OpenJobFlowEvents = (_id, onUpdate, signal, onChildren) =>
      new Promise((_resolve, reject) => {
        push = onUpdate;
        report = (counts) => onChildren?.(counts);
        signal.addEventListener("abort", () => reject(signal.reason));
      });
    render(
      <JobProgress
        jobId="job_a"
        title="Categorizing"
        mode="sse"
        fetchJob={api.fetchJob}
        fetchFlow={flow.fetchFlow}
        openEvents={openEvents}
      />,
    );
    await advance(0);
    const parent: WireJob = wireJob({ id: "job_a", status: "pending", progress: 10, started_at: started });
    act(() => {
      push(parent);
      report({ total: 40, ended: 0 });
    });
    expect(statusText()).toBe("Working… — chunk 0/40");
    expect(bar().getAttribute("aria-valuenow")).toBe("0");
    act(() => report({ total: 40, ended: 7 }));
    expect(statusText()).toBe("Working… — chunk 7/40");
    expect(bar().getAttribute("aria-valuenow")).toBe("18");
    await advance(10_000);
    expect(flow.calls).toEqual([]);
    expect(api.calls).toHaveLength(1);
  });
});
