import { waitForJob } from "@ledgerflow/jobs/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestServer, csvForm, type TestServer } from "./support/server.js";

// No header, an in/out pair and no balance: nothing says which column is money out.
const AMBIGUOUS = "05.01.2024;Coffee;3,50;\n06.01.2024;Salary;;2.100,00\n17.01.2024;Rent;700,00;\n";

let server: TestServer;
afterEach(() => server.close());

describe("the upload's mapping step", () => {
  beforeEach(async () => {
    server = await createTestServer();
  });

  const upload = (form: FormData) =>
    server.call(server.a, "/api/jobs/upload-and-categorize", { method: "POST", body: form });

  /** The upload was accepted (202): runs its job to completion and returns it. */
  const importedJob = async (res: Response) => {
    expect(res.status).toBe(202);
    const { job_id } = await res.json();
    server.startWorker();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: job_id, status: "complete" });
    return (await server.call(server.a, `/api/jobs/${job_id}`)).json();
  };

  it("answers an ambiguous file with a preview (rows as read, chosen mapping, alternatives) and no job", async () => {
    const res = await upload(csvForm(server.a.companyId, AMBIGUOUS, "bank.csv"));
    expect(res.status).toBe(200);
    const preview = await res.json();
    expect(preview).toMatchObject({
      status: "needs_mapping",
      filename: "bank.csv",
      rows: [{ line: 1, cells: ["05.01.2024", "Coffee", "3,50", ""] }, { line: 2 }, { line: 3 }],
      mapping: { date: 0, description: 1, debit: 2, credit: 3 },
      alternatives: [{ mapping: { debit: 3, credit: 2 } }],
    });
    expect(preview.columns[2]).toEqual({ index: 2, name: "Column 3", samples: ["3,50", "700,00"] });
    expect(preview.reasons[0]).toMatch(/nothing in the file decides/);
    const jobs = await (await server.call(server.a, "/api/jobs")).json();
    expect(jobs.jobs).toHaveLength(0);
  });

  it("imports with the chosen mapping and remembers it, so the next file of that shape imports with no question", async () => {
    const form = csvForm(server.a.companyId, AMBIGUOUS, "bank.csv");
    form.set("mapping", JSON.stringify({ date: 0, description: 1, debit: 2, credit: 3 }));
    const job = await importedJob(await upload(form));
    expect(job.result).toMatchObject({
      parsed: 3,
      inserted: 3,
      duplicates: 0,
      sum_of_amounts: "1,396.50",
      skipped: [],
    });

    const next = "01.02.2024;Bakery;4,20;\n02.02.2024;Refund;;12,00\n15.02.2024;Rent;700,00;\n";
    const again = await upload(csvForm(server.a.companyId, next, "bank-feb.csv"));
    expect(again.status).toBe(202);
    const second = await again.json();
    await waitForJob(server.queue, { tenantId: server.a.tenantId, jobId: second.job_id, status: "complete" });
    const listed = await (
      await server.call(server.a, `/api/transactions?import_id=${second.import_id}`)
    ).json();
    const amounts = listed.transactions.map((t: { amount_cents: number }) => t.amount_cents);
    expect(amounts.sort((x: number, y: number) => x - y)).toEqual([-70000, -420, 1200]);
    // Another tenant's company does not see the first tenant's remembered mapping.
    const other = await server.call(server.b, "/api/jobs/upload-and-categorize", {
      method: "POST",
      body: csvForm(server.b.companyId, next, "bank-feb.csv"),
    });
    expect(other.status).toBe(200);
  });

  it("refuses a mapping that does not fit the file with a 400 naming the field", async () => {
    const form = csvForm(server.a.companyId, AMBIGUOUS);
    form.set("mapping", JSON.stringify({ date: 0, description: 1 }));
    const res = await upload(form);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^mapping: choose the amount column/);
    form.set("mapping", JSON.stringify({ date: 0, amount: 9 }));
    const wide = await upload(form);
    expect(wide.status).toBe(400);
    expect((await wide.json()).error).toMatchObject({ code: "invalid_mapping" });
  });

  it("reports skipped summary lines with their line numbers and the file's closing balance", async () => {
    const csv = [
      "Datum;Text;Betrag;Saldo",
      "31.01.2024;Endsaldo;;1.150,00",
      "30.01.2024;Miete;-850,00;1.150,00",
      "15.01.2024;Gehalt;2.000,00;2.000,00",
      "Summe;;1.150,00;",
    ].join("\n");
    const job = await importedJob(await upload(csvForm(server.a.companyId, csv)));
    expect(job.result).toMatchObject({
      parsed: 2,
      inserted: 2,
      skipped_lines: 2,
      skipped: [
        { line: 2, reason: 'a summary line ("Endsaldo"), not a transaction' },
        { line: 5, reason: 'a summary line ("Summe"), not a transaction' },
      ],
      sum_of_amounts: "1,150.00",
      closing_balance: "1,150.00 (Saldo)",
      amounts: {
        net_cents: 115000,
        closing_balance_cents: 115000,
        balance_column: "Saldo",
        balance_verified: false,
      },
    });
  });
});
