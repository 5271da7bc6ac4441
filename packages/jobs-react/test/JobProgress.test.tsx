import type { WireJob } from "@ledgerflow/jobs/client";
import { act, cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobProgress } from "../src/index.js";
import { fakeJobApi } from "./support.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function renderWith(job: Partial<WireJob>, title = "Processing transactions") {
  const api = fakeJobApi(job);
  const onComplete = vi.fn();
  render(<JobProgress jobId="job_a" title={title} fetchJob={api.fetchJob} onComplete={onComplete} />);
  await act(() => vi.advanceTimersByTimeAsync(0));
  return { api, onComplete };
}

describe("<JobProgress> in the seed's four states", () => {
  it("pending: an empty bar without aria-valuenow, 0 %, and 'Job queued' in a polite live region", async () => {
    await renderWith({ status: "pending", progress: 0 });
    const bar = screen.getByRole("progressbar", { name: "Processing transactions: progress" });
    expect(bar.hasAttribute("aria-valuenow")).toBe(false);
    expect(screen.getByText("0%")).toBeTruthy();
    const live = screen.getByRole("status");
    expect(live?.textContent).toContain("Job queued");
    expect(live.getAttribute("aria-live")).toBe("polite");
    expect(bar.contains(live)).toBe(false);
  });

  it("running: the bar at the job's progress, the percent and the worker's message", async () => {
    await renderWith({ status: "running", progress: 45, message: "Processing transaction 45/100..." });
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("45");
    expect(screen.getByText("45%")).toBeTruthy();
    expect(screen.getByRole("status")?.textContent).toContain(
      "Processing transaction 45/100... — 45% complete",
    );
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("complete: 100 %, a success note and the result summary; onComplete called with the result", async () => {
    const result = { journal_entries_created: 95, high_confidence: 80, needs_review: 15 };
    const { onComplete } = await renderWith({ status: "complete", progress: 100, result });
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    expect(screen.getByRole("status")?.textContent).toContain("Complete");
    expect(screen.getByText("Job completed successfully!")).toBeTruthy();
    const summary = screen.getByText("Journal entries created").closest("dl") as HTMLElement;
    expect(within(summary).getByText("95")).toBeTruthy();
    expect(within(summary).getByText("High confidence").nextSibling?.textContent).toContain("80");
    expect(within(summary).getByText("Needs review").nextSibling?.textContent).toContain("15");
    expect(onComplete).toHaveBeenCalledWith(result, expect.objectContaining({ status: "complete" }));
  });

  it("complete after an upload: parsed, imported and duplicates", async () => {
    await renderWith({
      status: "complete",
      progress: 100,
      result: { parsed: 3000, inserted: 2950, duplicates: 50 },
    });
    expect(screen.getByText("Rows parsed").nextSibling?.textContent).toContain("3,000");
    expect(screen.getByText("Transactions imported").nextSibling?.textContent).toContain("2,950");
    expect(screen.getByText("Duplicates skipped").nextSibling?.textContent).toContain("50");
  });

  it("failed: the bar keeps its last progress, 'Job failed', and the error in an alert", async () => {
    await renderWith({
      status: "failed",
      progress: 35,
      error: { code: "handler_error", message: "Database connection timeout" },
    });
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("35");
    expect(screen.getByRole("status")?.textContent).toContain("Job failed");
    expect(screen.getByRole("alert")?.textContent).toContain("Database connection timeout");
  });

  it("an unknown or other tenant's job: 'Job not found' in an alert", async () => {
    const { JobFetchError } = await import("@ledgerflow/jobs/client");
    const fetchJob = async (): Promise<WireJob> => {
      throw JobFetchError.fromStatus(404, null);
    };
    render(<JobProgress jobId="job_elsewhere" title="Import" fetchJob={fetchJob} />);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(screen.getByRole("alert")?.textContent).toContain("Job not found");
  });

  it("cancelled: a muted bar at its last progress and 'Job cancelled', no alert", async () => {
    await renderWith({ status: "cancelled", progress: 30, message: "Inserting 600 transactions..." });
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("30");
    expect(screen.getByRole("status").textContent).toBe("Job cancelled");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("while the server is unreachable: keeps the last state and says it is retrying", async () => {
    let down = false;
    const api = fakeJobApi({ status: "running", progress: 50, message: "Categorizing transaction 5/10..." });
    const fetchJob = async (id: string, signal: AbortSignal) => {
      if (down) throw new TypeError("Failed to fetch");
      return api.fetchJob(id, signal);
    };
    render(<JobProgress jobId="job_a" title="Import" fetchJob={fetchJob} />);
    await act(() => vi.advanceTimersByTimeAsync(0));
    down = true;
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("50");
    expect(screen.getByText(/Cannot reach the server .* Retrying/)).toBeTruthy();
    down = false;
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(screen.queryByText(/Cannot reach the server/)).toBeNull();
  });

  it("moves from pending to running to complete as the job does", async () => {
    const { api } = await renderWith({ status: "pending", progress: 0 });
    api.set({ status: "running", progress: 60, message: "Categorizing transaction 6/10..." });
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("60");
    api.set({ status: "complete", progress: 100, result: { journal_entries_created: 10 } });
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(screen.getByRole("status")?.textContent).toContain("Complete");
  });
});
