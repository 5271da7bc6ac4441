import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { JobsTable } from "../src/index.js";
import { wireJob } from "./support.js";

afterEach(cleanup);

describe("<JobsTable>", () => {
  const jobs = [
    wireJob({ id: "job_1", status: "running", progress: 45, message: "Categorizing transaction 45/100..." }),
    wireJob({ id: "job_2", status: "failed", progress: 35, error: { code: "x", message: "Bad CSV header" } }),
    wireJob({ id: "job_3", status: "pending", type: "upload_and_categorize" }),
  ];

  it("shows each job's type, status, progress bar and message (the error for a failed job)", () => {
    render(<JobsTable jobs={jobs} />);
    const bars = screen.getAllByRole("progressbar");
    expect(bars.map((b) => b.getAttribute("aria-valuenow"))).toEqual(["45", "35", null]);
    expect(screen.getByText("Running")).toBeTruthy();
    expect(screen.getByText("Bad CSV header")).toBeTruthy();
    expect(screen.getByText("Upload and categorize")).toBeTruthy();
  });

  it("reports the chosen job and marks the selected row", () => {
    const onSelect = vi.fn();
    render(<JobsTable jobs={jobs} selectedId="job_2" onSelect={onSelect} />);
    fireEvent.click(screen.getAllByRole("button", { name: "Categorize transactions" })[0] as HTMLElement);
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ id: "job_1" }));
    expect(screen.getByText("job_2").closest("tr")?.getAttribute("aria-selected")).toBe("true");
  });

  it("says so when there are no jobs", () => {
    render(<JobsTable jobs={[]} emptyText="No failed jobs." />);
    expect(screen.getByText("No failed jobs.")).toBeTruthy();
  });
});
