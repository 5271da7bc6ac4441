import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../src/app/App.js";
import { navigate } from "../src/app/router.js";
import { useVisibleInterval } from "../src/app/use-visible-interval.js";
import { job, signedInWithFakeApi, transaction, withCompany } from "./support/fake-api.js";

const fakeApi = signedInWithFakeApi();

describe("CSV upload", () => {
  it("sends a dropped file as multipart with the company, then follows the import job", async () => {
    const sent = { form: new FormData() };
    withCompany(fakeApi())
      .on("GET", "/api/transactions", () => ({ transactions: [transaction()], next_cursor: null }))
      .on("POST", "/api/jobs/upload-and-categorize", ({ body }) => {
        sent.form = body as FormData;
        return Response.json({ job_id: "job_up", status: "pending" }, { status: 202 });
      })
      .on("GET", "/api/jobs/job_up", () =>
        job({ id: "job_up", type: "upload_and_categorize", status: "pending", progress: 0 }),
      );
    act(() => navigate("/transactions"));
    render(<App />);
    await tableLoaded();
    const file = new File(["Date,Description,Amount\n2026-03-01,Coffee,-3.90\n"], "march.csv", {
      type: "text/csv",
    });
    const zone = screen.getByText(/Drop a bank CSV here/).closest(".dropzone") as HTMLElement;
    fireEvent.dragOver(zone, { dataTransfer: { files: [file] } });
    expect(zone.hasAttribute("data-dragging")).toBe(true);
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    const card = await screen.findByRole("region", { name: "Importing march.csv" });
    // "Loading job…" until the job's first answer, then what it says.
    await waitFor(() => expect(within(card).getByRole("status").textContent).toBe("Job queued"));
    expect(sent.form.get("company_id")).toBe("co_1");
    expect((sent.form.get("file") as File).name).toBe("march.csv");
  });

  it("shows the server's reason when it refuses the file", async () => {
    withCompany(fakeApi())
      .on("GET", "/api/transactions", () => ({ transactions: [], next_cursor: null }))
      .on("POST", "/api/jobs/upload-and-categorize", () =>
        Response.json(
          { error: { code: "invalid_csv", message: "report.pdf is a PDF; export the statement as CSV." } },
          { status: 400 },
        ),
      );
    act(() => navigate("/transactions"));
    render(<App />);
    await screen.findByText(/No transactions here yet/);
    fireEvent.change(screen.getByLabelText("Upload a bank CSV"), {
      target: { files: [new File(["%PDF"], "report.pdf")] },
    });
    expect((await screen.findByRole("alert")).textContent).toContain("is a PDF");
  });
});

describe("rules page", () => {
  const rule = (id: string, name: string, priority: number) => ({
    id,
    company_id: "co_1",
    name,
    priority,
    conditions: [{ field: "description", op: "contains", value: name.split(" ")[0] }],
    account_id: "acc_food",
    enabled: true,
    created_at: "2026-03-01T00:00:00.000Z",
    updated_at: "2026-03-01T00:00:00.000Z",
  });

  it("lists rules in priority order, reorders, creates and deletes after confirmation", async () => {
    let rules = [rule("r_2", "Shell fuel", 2), rule("r_1", "REWE groceries", 1)];
    withCompany(fakeApi())
      .on("GET", "/api/companies/co_1/rules", () => ({ rules }))
      .on("PUT", "/api/companies/co_1/rules/order", ({ body }) => {
        const ids = (body as { rule_ids: string[] }).rule_ids;
        rules = ids.map((id, i) => ({ ...(rules.find((r) => r.id === id) ?? rules[0]!), priority: i + 1 }));
        return { rules };
      })
      .on("POST", "/api/companies/co_1/rules", ({ body }) => {
        const created = { ...rule("r_3", (body as { name: string }).name, 3), ...(body as object) };
        rules = [...rules, created];
        return Response.json(created, { status: 201 });
      })
      .on("DELETE", /^\/api\/rules\//, ({ url }) => {
        rules = rules.filter((r) => !url.pathname.endsWith(r.id));
        return new Response(null, { status: 204 });
      });
    act(() => navigate("/rules"));
    render(<App />);
    const names = async () => [...document.querySelectorAll(".rule__name")].map((el) => el.textContent);
    await waitFor(async () => expect(await names()).toEqual(["REWE groceries", "Shell fuel"]));
    expect(screen.getByText(/description contains "REWE"/)).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Move Shell fuel up" }));
    await waitFor(async () => expect(await names()).toEqual(["Shell fuel", "REWE groceries"]));
    expect(fakeApi().calls.find((c) => c.method === "PUT")?.body).toEqual({ rule_ids: ["r_2", "r_1"] });

    fireEvent.click(screen.getByRole("button", { name: "New rule" }));
    const form = screen.getByRole("form", { name: "New rule" });
    fireEvent.change(within(form).getByLabelText("Name"), { target: { value: "Netflix" } });
    fireEvent.change(within(form).getByLabelText("Assign to account"), { target: { value: "acc_food" } });
    fireEvent.change(within(form).getByLabelText("Text"), { target: { value: "NETFLIX" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save rule" }));
    await waitFor(() => expect(screen.queryByRole("form")).toBeNull());
    expect(fakeApi().calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "Netflix",
      account_id: "acc_food",
      enabled: true,
      conditions: [{ field: "description", op: "contains", value: "NETFLIX" }],
    });

    fireEvent.click(
      within(screen.getByText("Shell fuel").closest("li") as HTMLElement).getByRole("button", {
        name: "Delete",
      }),
    );
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete rule" }));
    await waitFor(async () => expect(await names()).toEqual(["REWE groceries", "Netflix"]));
  });
});

describe("useVisibleInterval (the dashboard's live refresh)", () => {
  const setHidden = (hidden: boolean) => {
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (hidden ? "hidden" : "visible"),
    });
    document.dispatchEvent(new Event("visibilitychange"));
  };

  it("refreshes every 2 s, pauses while the tab is hidden, and refreshes at once when it shows again", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const times: number[] = [];
      const { unmount } = render(<Probe tick={async () => void times.push(Date.now())} />);
      await act(() => vi.advanceTimersByTimeAsync(4000));
      expect(times).toEqual([2000, 4000]);
      act(() => setHidden(true));
      await act(() => vi.advanceTimersByTimeAsync(10_000));
      expect(times).toEqual([2000, 4000]);
      act(() => setHidden(false));
      await act(() => vi.advanceTimersByTimeAsync(0));
      expect(times).toEqual([2000, 4000, 14_000]);
      unmount();
      await act(() => vi.advanceTimersByTimeAsync(10_000));
      expect(times).toHaveLength(3);
    } finally {
      setHidden(false);
      vi.useRealTimers();
    }
  });
});

function Probe({ tick }: { tick: () => Promise<void> }) {
  useVisibleInterval(tick, 2000);
  return null;
}

async function tableLoaded() {
  await screen.findByText("REWE Markt");
}
