import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../src/app/App.js";
import { navigate } from "../src/app/router.js";
import { formatDuration } from "../src/pages/jobs/JobDetail.js";
import { job, signedInWithFakeApi, withCompany } from "./support/fake-api.js";

const fakeApi = signedInWithFakeApi();
const at = "2026-03-01T10:00:00.000Z";

/** A parent that split its work into 40 chunks and waits for them (pending, holding no worker). */
const parent = job({
  id: "job_p",
  status: "pending",
  progress: 10,
  message: "Split into 40 chunks",
  started_at: at,
});

function parentFlow(ended: number) {
  return {
    job_id: "job_p",
    steps: [
      { name: "load", status: "complete", started_at: at, finished_at: at, duration_ms: 1234 },
      { name: "split", status: "complete", started_at: at, finished_at: at, duration_ms: 85 },
    ],
    parent_id: null,
    batch_id: null,
    children: {
      total: 40,
      ended,
      group_ids: ["grp_1"],
      jobs: [
        { id: "job_c0", status: "complete", progress: 100 },
        { id: "job_c1", status: "running", progress: 55 },
        { id: "job_c2", status: "pending", progress: 0 },
      ],
    },
  };
}

const noFlow = (jobId: string, extra: Record<string, unknown> = {}) => ({
  job_id: jobId,
  steps: [],
  parent_id: null,
  batch_id: null,
  children: { total: 0, ended: 0, group_ids: [], jobs: [] },
  ...extra,
});

describe("job detail: a job's flow", () => {
  it("shows a parent's steps, its children's counts and the listed children, each linking to its detail", async () => {
    withCompany(fakeApi())
      .on("GET", "/api/jobs", () => ({ jobs: [parent], next_cursor: null, counts: { pending: 1 } }))
      .on("GET", "/api/jobs/job_p", () => parent)
      .on("GET", "/api/jobs/job_p/flow", () => parentFlow(7))
      .on("GET", "/api/jobs/job_c1", () =>
        job({ id: "job_c1", status: "running", progress: 55, message: "Chunk 2 of 40" }),
      )
      .on("GET", "/api/jobs/job_c1/flow", () => noFlow("job_c1", { parent_id: "job_p" }));
    act(() => navigate("/dashboard/background-jobs/job_p"));
    render(<App />);
    const detail = await screen.findByRole("complementary", { name: "Job details" });

    const steps = await within(detail).findByRole("table", { name: "Steps" });
    const stepRows = within(steps).getAllByRole("row").slice(1);
    expect(stepRows.map((row) => row.textContent)).toEqual(["loadComplete1.2 s", "splitComplete85 ms"]);

    expect(within(detail).getByText(/7 of 40 ended/).textContent).toContain("chunk 7/40");
    expect(within(detail).getByRole("status").textContent).toBe("Split into 40 chunks — chunk 7/40");
    expect(within(detail).getByText("Waiting for children", { selector: ".lf-badge" })).toBeTruthy();
    expect(within(detail).getByText("Listing the first 3 of 40.")).toBeTruthy();
    const bar = within(detail).getByRole("progressbar", { name: "Categorize transactions: progress" });
    expect(bar.getAttribute("aria-valuenow")).toBe("18");

    const list = within(detail).getByRole("table", { name: "Children" });
    const rows = within(list).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[1] as HTMLElement).getByText("Running")).toBeTruthy();
    expect(
      within(rows[1] as HTMLElement)
        .getByRole("progressbar", { name: "job_c1: progress" })
        .getAttribute("aria-valuenow"),
    ).toBe("55");
    const link = within(list).getByRole("link", { name: "job_c1" });
    expect(link.getAttribute("href")).toBe("/dashboard/background-jobs/job_c1");

    fireEvent.click(link);
    await waitFor(() => expect(window.location.pathname).toBe("/dashboard/background-jobs/job_c1"));
    const child = await screen.findByRole("complementary", { name: "Job details" });
    const up = await within(child).findByRole("link", { name: "job_p" });
    expect(up.getAttribute("href")).toBe("/dashboard/background-jobs/job_p");
    expect(within(child).queryByRole("table", { name: "Children" })).toBeNull();
  });

  it("takes the live counts from the event stream when they are ahead of the flow", async () => {
    const sse = [
      `data: ${JSON.stringify(parent)}\n\n`,
      `event: children\ndata: ${JSON.stringify({ total: 40, ended: 9 })}\n\n`,
    ].join("");
    withCompany(fakeApi())
      .on("GET", "/api/jobs", () => ({ jobs: [parent], next_cursor: null, counts: { pending: 1 } }))
      .on("GET", "/api/jobs/job_p", () => parent)
      .on("GET", "/api/jobs/job_p/flow", () => parentFlow(7))
      .on(
        "GET",
        "/api/jobs/job_p/events",
        () => new Response(sse, { headers: { "content-type": "text/event-stream" } }),
      );
    act(() => navigate("/dashboard/background-jobs/job_p"));
    render(<App />);
    const detail = await screen.findByRole("complementary", { name: "Job details" });
    await waitFor(() => expect(within(detail).getByRole("status").textContent).toContain("chunk 9/40"));
    expect(within(detail).getByText(/9 of 40 ended/)).toBeTruthy();
  });

  it("shows a batch member's batch id, and nothing of a flow for a plain job", async () => {
    withCompany(fakeApi())
      .on("GET", "/api/jobs", () => ({ jobs: [job()], next_cursor: null, counts: { running: 1 } }))
      .on("GET", "/api/jobs/job_1", () => job())
      .on("GET", "/api/jobs/job_1/flow", () => noFlow("job_1", { batch_id: "bat_42" }));
    act(() => navigate("/dashboard/background-jobs/job_1"));
    render(<App />);
    const detail = await screen.findByRole("complementary", { name: "Job details" });
    const batch = await within(detail).findByText("Batch");
    expect(batch.nextElementSibling?.textContent).toBe("bat_42");
    expect(within(detail).queryByText("Parent")).toBeNull();
    expect(within(detail).queryByRole("table", { name: "Steps" })).toBeNull();
    expect(within(detail).queryByRole("table", { name: "Children" })).toBeNull();
    expect(within(detail).getByRole("status").textContent).toBe("Categorizing transaction 4/10...");
  });

  it("formats step durations", () => {
    expect([850, 12_340, 59_960, 125_000, 120_000].map(formatDuration)).toEqual([
      "850 ms",
      "12.3 s",
      "1 min",
      "2 min 5 s",
      "2 min",
    ]);
  });
});
