import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "../src/app/App.js";
import { navigate } from "../src/app/router.js";
import { describeCron, formatFireTime, relativeTime } from "../src/pages/jobs/schedule-format.js";
import { signedInWithFakeApi, withCompany } from "./support/fake-api.js";

const fakeApi = signedInWithFakeApi();

const HOUR = 3_600_000;

function schedule(overrides: Record<string, unknown> = {}) {
  return {
    name: "nightly:company-co_1",
    task: "categorize_transactions",
    cron: "0 3 * * *",
    timezone: "Europe/Paris",
    input: { company_id: "co_1", limit: 50_000 },
    paused: false,
    last_fire_at: null,
    next_fire_at: new Date(Date.now() + 5 * HOUR + 30 * 60_000).toISOString(),
    created_at: "2026-03-01T00:00:00.000Z",
    updated_at: "2026-03-01T00:00:00.000Z",
    ...overrides,
  };
}

describe("the Schedules section of the Background jobs page", () => {
  it("shows each schedule's cron in words, its time zone, next and last run, and pauses and resumes it", async () => {
    let current = schedule();
    const posted: string[] = [];
    withCompany(fakeApi())
      .on("GET", "/api/jobs", () => ({ jobs: [], next_cursor: null, counts: {} }))
      .on("GET", "/api/schedules", () => ({ schedules: [current] }))
      .on("POST", /^\/api\/schedules\/[^/]+\/(pause|resume)$/, ({ url }) => {
        posted.push(url.pathname);
        const paused = url.pathname.endsWith("/pause");
        current = schedule({
          paused,
          next_fire_at: paused ? null : current.next_fire_at,
          updated_at: new Date().toISOString(),
        });
        return current;
      });
    act(() => navigate("/dashboard/background-jobs"));
    render(<App />);
    const section = await screen.findByRole("region", { name: "Schedules" });
    const pause = await within(section).findByRole("button", {
      name: "Pause Categorize what is new — Acme Bakery",
    });
    const row = pause.closest("tr") as HTMLElement;
    expect(row.textContent).toContain("Every day at 03:00");
    expect(row.textContent).toContain("Europe/Paris");
    expect(row.textContent).toContain("in 5 h 30 min");
    expect(row.textContent).toContain("Never");
    expect(within(row).getByText("Active")).toBeTruthy();

    pause.focus();
    fireEvent.click(pause);
    const resume = await within(section).findByRole("button", {
      name: "Resume Categorize what is new — Acme Bakery",
    });
    expect(posted).toEqual(["/api/schedules/nightly%3Acompany-co_1/pause"]);
    // The same button, relabelled: keyboard focus stays where it was.
    expect(resume).toBe(pause);
    expect(document.activeElement).toBe(resume);
    expect(within(row).getByText("Paused")).toBeTruthy();
    expect(row.textContent).toContain("None while paused");
    expect(within(section).getByRole("status").textContent).toBe(
      "Categorize what is new — Acme Bakery: paused.",
    );

    fireEvent.click(resume);
    await waitFor(() => expect(within(row).getByText("Active")).toBeTruthy());
    expect(posted[1]).toBe("/api/schedules/nightly%3Acompany-co_1/resume");
  });

  it("says why when a pause is refused, and keeps the schedule as it was", async () => {
    withCompany(fakeApi())
      .on("GET", "/api/jobs", () => ({ jobs: [], next_cursor: null, counts: {} }))
      .on("GET", "/api/schedules", () => ({ schedules: [schedule()] }))
      .on("POST", /^\/api\/schedules\//, () =>
        Response.json(
          { error: { code: "not_found", message: "No schedule nightly:company-co_1 for this tenant." } },
          { status: 404 },
        ),
      );
    act(() => navigate("/dashboard/background-jobs"));
    render(<App />);
    const section = await screen.findByRole("region", { name: "Schedules" });
    fireEvent.click(await within(section).findByRole("button", { name: /^Pause / }));
    expect((await within(section).findByRole("alert")).textContent).toContain(
      "No schedule nightly:company-co_1",
    );
    expect(within(section).getByText("Active")).toBeTruthy();
  });
});

describe("schedule wording", () => {
  it("puts the app's cron shapes into words and leaves others as written", () => {
    expect(describeCron("0 3 * * *")).toBe("Every day at 03:00");
    expect(describeCron("30 4 * * 1")).toBe("Every Monday at 04:30");
    expect(describeCron("0 0 * * 7")).toBe("Every Sunday at 00:00");
    expect(describeCron("*/5 * * * *")).toBeNull();
    expect(describeCron("0 3 1 * *")).toBeNull();
    expect(describeCron("0 0 3 * * *")).toBeNull();
  });

  it("gives fire times in the schedule's own time zone, and how far they are", () => {
    expect(formatFireTime("2026-03-02T02:00:00.000Z", "Europe/Paris")).toBe("Mon 2 Mar, 03:00 CET");
    expect(formatFireTime("2026-03-02T02:00:00.000Z", "UTC")).toBe("Mon 2 Mar, 02:00 UTC");
    const now = Date.parse("2026-03-01T12:00:00.000Z");
    expect(relativeTime("2026-03-01T12:00:20.000Z", now)).toBe("in less than a minute");
    expect(relativeTime("2026-03-01T12:42:00.000Z", now)).toBe("in 42 min");
    expect(relativeTime("2026-03-02T03:00:00.000Z", now)).toBe("in 15 h");
    expect(relativeTime("2026-03-01T09:30:00.000Z", now)).toBe("2 h 30 min ago");
    expect(relativeTime("2026-03-05T12:00:00.000Z", now)).toBe("in 4 days");
  });
});
