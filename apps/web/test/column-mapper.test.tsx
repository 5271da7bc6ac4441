import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ImportPreview } from "../src/api/types.js";
import { ColumnMapper } from "../src/components/ColumnMapper.js";

afterEach(cleanup);

const pair = (debit: number, credit: number) => ({
  date: 0,
  description: 1,
  payee: null,
  amount: null,
  debit,
  credit,
  marker: null,
  balance: null,
});

const PREVIEW: ImportPreview = {
  status: "needs_mapping",
  filename: "konto.csv",
  fingerprint: "f",
  confidence: 0.45,
  reasons: ["The amounts can be read two ways, and nothing in the file decides between them."],
  label: "money out in column 3 and money in in column 4",
  headers: [],
  columns: [
    { index: 0, name: "Column 1", samples: ["02.01.2024"] },
    { index: 1, name: "Column 2", samples: ["Gehalt"] },
    { index: 2, name: "Column 3", samples: ["3.250,00"] },
    { index: 3, name: "Column 4", samples: ["54,20"] },
  ],
  rows: [
    { line: 1, cells: ["02.01.2024", "Gehalt", "3.250,00", ""] },
    { line: 2, cells: ["05.01.2024", "REWE", "", "54,20"] },
  ],
  mapping: pair(2, 3),
  alternatives: [{ label: "money out in column 4 and money in in column 3", mapping: pair(3, 2) }],
};

describe("the mapping step", () => {
  it("shows the reasons and the file's rows with each column's role, and sends the columns chosen", () => {
    const onConfirm = vi.fn();
    render(<ColumnMapper preview={PREVIEW} onConfirm={onConfirm} onCancel={() => {}} />);
    const step = screen.getByRole("region", { name: "Which column is which in konto.csv?" });
    expect(within(step).getByText(/nothing in the file decides/)).toBeTruthy();
    expect(within(step).getAllByRole("row")).toHaveLength(3);
    expect(
      within(step).getByRole("option", { name: "Column 3 — e.g. 3.250,00", selected: true }),
    ).toBeTruthy();

    fireEvent.click(
      within(step).getByRole("button", { name: "Use money out in column 4 and money in in column 3" }),
    );
    const roles = [...step.querySelectorAll("th[data-role] span")].map((s) => s.textContent);
    expect(roles).toEqual(["Date", "Description", "Money in", "Money out"]);
    fireEvent.click(within(step).getByRole("button", { name: "Import with these columns" }));
    expect(onConfirm).toHaveBeenCalledWith({ date: 0, description: 1, debit: 3, credit: 2 });
  });

  it("will not import one column as both money out and money in, and says why", () => {
    const onConfirm = vi.fn();
    render(<ColumnMapper preview={PREVIEW} onConfirm={onConfirm} onCancel={() => {}} />);
    fireEvent.change(screen.getByRole("combobox", { name: "Money in" }), { target: { value: "2" } });
    expect(screen.getByText("Money out and money in must be different columns.")).toBeTruthy();
    const submit = screen.getByRole("button", { name: "Import with these columns" }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.click(screen.getByLabelText(/one column/));
    fireEvent.change(screen.getByRole("combobox", { name: "Amount" }), { target: { value: "2" } });
    fireEvent.click(submit);
    expect(onConfirm).toHaveBeenCalledWith({ date: 0, description: 1, amount: 2 });
  });
});
