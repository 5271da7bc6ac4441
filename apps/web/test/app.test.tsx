import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../src/app/App.js";
import { navigate } from "../src/app/router.js";
import { type FakeApi, installFakeApi, job, transaction, withCompany } from "./support/fake-api.js";

let api: FakeApi;
beforeEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, "", "/transactions");
  api = installFakeApi();
});
afterEach(() => {
  cleanup();
  api.restore();
});

const signedIn = () => window.localStorage.setItem("ledgerflow.token", "lf_test_token_123456");

describe("sign in", () => {
  it("refuses a token the server rejects and keeps one it accepts, then shows the app", async () => {
    api.on("GET", "/api/companies", ({ headers }) =>
      headers.get("authorization") === "Bearer lf_good_token_123456"
        ? { companies: [] }
        : Response.json({ error: { code: "unauthorized", message: "no" } }, { status: 401 }),
    );
    render(<App />);
    const input = screen.getByLabelText("API token");
    fireEvent.change(input, { target: { value: "lf_wrong" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toContain("not accepted");
    fireEvent.change(input, { target: { value: "lf_good_token_123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await screen.findByRole("navigation", { name: "Main" });
    expect(window.localStorage.getItem("ledgerflow.token")).toBe("lf_good_token_123456");
  });
});

describe("transactions page", () => {
  it("renders descriptions as text, never as HTML, and sends the bearer token", async () => {
    signedIn();
    withCompany(api).on("GET", "/api/transactions", () => ({
      transactions: [transaction({ description: '<img src=x onerror="alert(1)">Coffee' })],
      next_cursor: null,
    }));
    const { container } = render(<App />);
    await screen.findByText('<img src=x onerror="alert(1)">Coffee');
    expect(container.querySelector("img")).toBeNull();
    expect(api.calls.every((c) => c.authorization === "Bearer lf_test_token_123456")).toBe(true);
  });

  it("filters by status", async () => {
    signedIn();
    withCompany(api).on("GET", "/api/transactions", ({ url }) => ({
      transactions: [transaction({ status: url.searchParams.get("status") ?? "uncategorized" })],
      next_cursor: null,
    }));
    render(<App />);
    await screen.findByText("REWE Markt");
    fireEvent.click(screen.getByRole("button", { name: "Needs review" }));
    await waitFor(() => expect(api.calls.some((c) => c.path.includes("status=needs_review"))).toBe(true));
  });

  it("re-categorizes a row from its account select", async () => {
    signedIn();
    withCompany(api)
      .on("GET", "/api/transactions", () => ({ transactions: [transaction()], next_cursor: null }))
      .on("PATCH", "/api/transactions/tx_1", ({ body }) =>
        transaction({
          account_id: (body as { account_id: string }).account_id,
          status: "categorized",
          source: "manual",
        }),
      );
    render(<App />);
    const select = await screen.findByLabelText("Account for REWE Markt");
    expect(within(select).queryByText("1000 · Bank")).toBeNull();
    fireEvent.change(select, { target: { value: "acc_food" } });
    await waitFor(() =>
      expect(api.calls.find((c) => c.method === "PATCH")?.body).toEqual({ account_id: "acc_food" }),
    );
  });

  it("starts a categorize job, shows its progress, and reloads the table when it completes", async () => {
    signedIn();
    let state = job({ status: "running", progress: 40 });
    let listCalls = 0;
    withCompany(api)
      .on("GET", "/api/transactions", () => {
        listCalls++;
        return { transactions: [transaction()], next_cursor: null };
      })
      .on("POST", "/api/jobs/categorize", () =>
        Response.json({ job_id: "job_1", status: "pending" }, { status: 202 }),
      )
      .on("GET", "/api/jobs/job_1", () => state);
    render(<App />);
    await screen.findByText("REWE Markt");
    fireEvent.click(screen.getByRole("button", { name: "Categorize" }));
    const bar = await screen.findByRole("progressbar", { name: "Categorizing transactions: progress" });
    await waitFor(() => expect(bar.getAttribute("aria-valuenow")).toBe("40"));
    const before = listCalls;
    state = job({ status: "complete", progress: 100, result: { journal_entries_created: 10 } });
    await screen.findByText("Job completed successfully!", {}, { timeout: 3000 });
    await waitFor(() => expect(listCalls).toBeGreaterThan(before));
  });
});

describe("background jobs dashboard", () => {
  it("shows state tabs with counts and asks before cancelling", async () => {
    signedIn();
    let cancelled = 0;
    withCompany(api)
      .on("GET", "/api/jobs", () => ({
        jobs: [job()],
        next_cursor: null,
        counts: { pending: 0, running: 1, complete: 3, failed: 2, cancelled: 0 },
      }))
      .on("GET", "/api/jobs/job_1", () => job())
      .on("POST", "/api/jobs/job_1/cancel", () => {
        cancelled++;
        return job({ status: "cancelled" });
      });
    act(() => navigate("/dashboard/background-jobs/job_1"));
    render(<App />);
    const tabs = await screen.findByRole("group", { name: "Job state" });
    await waitFor(() => expect(within(tabs).getByRole("button", { name: "Failed 2" })).toBeTruthy());
    expect(within(tabs).getByRole("button", { name: "All 6" })).toBeTruthy();
    const detail = await screen.findByRole("complementary", { name: "Job details" });
    fireEvent.click(await within(detail).findByRole("button", { name: "Cancel job" }));
    const dialog = screen.getByRole("alertdialog", { name: "Cancel this job?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Go back" }));
    expect(cancelled).toBe(0);
    fireEvent.click(within(detail).getByRole("button", { name: "Cancel job" }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Cancel job" }));
    await waitFor(() => expect(cancelled).toBe(1));
  });

  it("retries a failed job and deletes it, each after confirmation", async () => {
    signedIn();
    let current = job({ status: "failed", progress: 35, error: { code: "handler_error", message: "Boom" } });
    withCompany(api)
      .on("GET", "/api/jobs", () => ({ jobs: [current], next_cursor: null, counts: { failed: 1 } }))
      .on("GET", "/api/jobs/job_1", () => current)
      .on("POST", "/api/jobs/job_1/retry", () => {
        current = job({ status: "pending", progress: 0, attempts: 0 });
        return current;
      })
      .on("DELETE", "/api/jobs/job_1", () => new Response(null, { status: 204 }));
    act(() => navigate("/dashboard/background-jobs/job_1"));
    render(<App />);
    const detail = await screen.findByRole("complementary", { name: "Job details" });
    expect((await within(detail).findByRole("alert")).textContent).toContain("Boom");
    fireEvent.click(within(detail).getByRole("button", { name: "Retry" }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Retry" }));
    await screen.findByText("Queued", { selector: ".detail .lf-badge" });
    fireEvent.click(within(screen.getByRole("complementary")).getByRole("button", { name: "Delete" }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(window.location.pathname).toBe("/dashboard/background-jobs"));
    expect(api.calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /api/jobs/job_1/retry",
      "DELETE /api/jobs/job_1",
    ]);
  });

  it("says 'Job not found' for an unknown or other tenant's job id", async () => {
    signedIn();
    withCompany(api).on("GET", "/api/jobs", () => ({ jobs: [], next_cursor: null, counts: {} }));
    act(() => navigate("/dashboard/background-jobs/job_someone_else"));
    render(<App />);
    expect((await screen.findByRole("heading", { name: "Job not found" })).textContent).toBe("Job not found");
  });
});
