import { insertTransactions } from "@ledgerflow/books";
import { expect } from "vitest";
import { csvForm, type TestServer, type TestTenant } from "../../support/server.js";
import type { OwnedIds } from "./routes.js";

/**
 * Gives tenant A one of everything through the API (a rule, a categorize job, an upload with its
 * import, manually categorized transactions whose journal entries carry `descriptions`), and
 * returns the ids. No worker runs, so the jobs stay pending.
 */
export async function seedTenant(
  server: TestServer,
  tenant: TestTenant,
  descriptions: readonly string[] = ["COFFEE SHOP"],
): Promise<OwnedIds> {
  const call = (path: string, init?: RequestInit & { json?: unknown }) => server.call(tenant, path, init);
  await insertTransactions(server.db, tenant.tenantId, {
    companyId: tenant.companyId,
    rows: descriptions.map((description, i) => ({
      date: `2026-01-${String((i % 28) + 1).padStart(2, "0")}`,
      description,
      amountCents: -(100 + i),
      fingerprint: `seed-${i}`,
    })),
  });
  const { transactions } = await (await call(`/api/transactions?company_id=${tenant.companyId}`)).json();
  const { accounts } = await (await call(`/api/companies/${tenant.companyId}/accounts`)).json();
  const expense = accounts.find((a: { type: string }) => a.type === "expense") ?? accounts[0];
  for (const t of transactions) {
    const res = await call(`/api/transactions/${t.id}`, {
      method: "PATCH",
      json: { account_id: expense.id },
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }
  const rule = await call(`/api/companies/${tenant.companyId}/rules`, {
    method: "POST",
    json: {
      name: "coffee",
      conditions: [{ field: "description", op: "contains", value: "COFFEE" }],
      account_id: expense.id,
    },
  });
  const job = await call("/api/jobs/categorize", { method: "POST", json: { company_id: tenant.companyId } });
  const upload = await call("/api/jobs/upload-and-categorize", {
    method: "POST",
    body: csvForm(tenant.companyId, "Date,Description,Amount\n2026-02-01,TEA,-2.50\n2026-02-02,PAY,100\n"),
  });
  expect([rule.status, job.status, upload.status]).toEqual([201, 202, 202]);
  const uploaded = await upload.json();
  return {
    job: (await job.json()).job_id,
    company: tenant.companyId,
    transaction: transactions[0].id,
    rule: (await rule.json()).id,
    account: expense.id,
    import: uploaded.import_id,
  };
}
