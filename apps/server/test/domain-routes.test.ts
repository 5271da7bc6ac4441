import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TransactionListSchema, TransactionSchema } from "../src/client.js";
import { addTransactions, createTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeEach(async () => {
  server = await createTestServer({ tasks: [] });
});
afterEach(() => server.close());

async function accountByCode(code: string, tenant = server.a) {
  const { accounts } = await (
    await server.call(tenant, `/api/companies/${tenant.companyId}/accounts`)
  ).json();
  return accounts.find((a: { code: string }) => a.code === code) as {
    id: string;
    code: string;
    name: string;
  };
}

describe("companies and accounts", () => {
  it("creates a company with Location and the default chart, and lists it", async () => {
    const res = await server.call(server.a, "/api/companies", { method: "POST", json: { name: "Bakery" } });
    expect(res.status).toBe(201);
    const company = await res.json();
    expect(res.headers.get("location")).toBe(`/api/companies/${company.id}`);
    expect(company).toMatchObject({ id: expect.any(String), name: "Bakery", created_at: expect.any(String) });
    const { companies } = await (await server.call(server.a, "/api/companies")).json();
    expect(companies.map((c: { name: string }) => c.name)).toEqual(["Alpha Ltd", "Bakery"]);
    expect((await server.call(server.a, `/api/companies/${company.id}`)).status).toBe(200);
    const { accounts } = await (await server.call(server.a, `/api/companies/${company.id}/accounts`)).json();
    expect(accounts.find((a: { is_bank: boolean }) => a.is_bank)).toMatchObject({ type: "asset" });
  });
});

describe("transactions", () => {
  it("lists with company and status filters and pages by cursor, in the documented shape", async () => {
    await addTransactions(server, server.a, 5);
    const first = await server.call(server.a, `/api/transactions?company_id=${server.a.companyId}&limit=3`);
    const page = TransactionListSchema.parse(await first.json());
    expect(page.transactions).toHaveLength(3);
    const rest = TransactionListSchema.parse(
      await (
        await server.call(
          server.a,
          `/api/transactions?company_id=${server.a.companyId}&cursor=${page.next_cursor}`,
        )
      ).json(),
    );
    expect(rest.transactions).toHaveLength(2);
    const needsReview = await (await server.call(server.a, "/api/transactions?status=needs_review")).json();
    expect(needsReview.transactions).toEqual([]);
    expect((await server.call(server.a, "/api/transactions?status=weird")).status).toBe(400);
  });

  it("re-categorizes by hand: categorized, source manual, one live journal entry after two changes", async () => {
    const [id] = await addTransactions(server, server.a, 1);
    const rent = await accountByCode("6400");
    const meals = await accountByCode("6200");
    for (const account of [rent, meals]) {
      const res = await server.call(server.a, `/api/transactions/${id}`, {
        method: "PATCH",
        json: { account_id: account.id },
      });
      expect(res.status).toBe(200);
      expect(TransactionSchema.parse(await res.json())).toMatchObject({
        status: "categorized",
        source: "manual",
        account_id: account.id,
      });
    }
    const { entries } = await (
      await server.call(
        server.a,
        `/api/journal-entries?company_id=${server.a.companyId}&transaction_id=${id}`,
      )
    ).json();
    const live = entries.filter(
      (e: { reversed_by_entry_id: string | null; reverses_entry_id: string | null }) =>
        !e.reversed_by_entry_id && !e.reverses_entry_id,
    );
    expect(live).toHaveLength(1);
    expect(live[0].lines).toContainEqual({ account_id: meals.id, debit_cents: 350, credit_cents: 0 });
  });

  it("answers 400 naming account_id when it is missing", async () => {
    const [id] = await addTransactions(server, server.a, 1);
    const res = await server.call(server.a, `/api/transactions/${id}`, { method: "PATCH", json: {} });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^account_id: /);
  });
});

describe("rules", () => {
  const condition = { field: "description", op: "contains", value: "COFFEE" };

  it("creates, reads, updates, reorders and deletes rules", async () => {
    const meals = await accountByCode("6200");
    const base = `/api/companies/${server.a.companyId}/rules`;
    const created = [];
    for (const name of ["coffee", "tea"]) {
      const res = await server.call(server.a, base, {
        method: "POST",
        json: { name, conditions: [condition], account_id: meals.id },
      });
      expect(res.status).toBe(201);
      created.push(await res.json());
    }
    const [coffee, tea] = created;
    expect(
      (await (await server.call(server.a, base)).json()).rules.map((r: { name: string }) => r.name),
    ).toEqual(["coffee", "tea"]);

    const patched = await server.call(server.a, `/api/rules/${coffee.id}`, {
      method: "PATCH",
      json: { enabled: false },
    });
    expect(await patched.json()).toMatchObject({ id: coffee.id, enabled: false });
    expect(await (await server.call(server.a, `/api/rules/${tea.id}`)).json()).toMatchObject({ name: "tea" });

    const reordered = await server.call(server.a, `${base}/order`, {
      method: "PUT",
      json: { rule_ids: [tea.id, coffee.id] },
    });
    expect((await reordered.json()).rules.map((r: { name: string }) => r.name)).toEqual(["tea", "coffee"]);
    const partial = await server.call(server.a, `${base}/order`, {
      method: "PUT",
      json: { rule_ids: [tea.id] },
    });
    expect(partial.status).toBe(422);

    expect((await server.call(server.a, `/api/rules/${tea.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await server.call(server.a, `/api/rules/${tea.id}`)).status).toBe(404);
  });

  it("answers 422 for a condition the rules engine cannot use, saying why", async () => {
    const meals = await accountByCode("6200");
    const res = await server.call(server.a, `/api/companies/${server.a.companyId}/rules`, {
      method: "POST",
      json: {
        name: "bad",
        conditions: [{ field: "description", op: "regex", value: "(" }],
        account_id: meals.id,
      },
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.message).toMatch(/regular expression/);
  });
});

describe("journal", () => {
  it("reports a balanced trial balance and exports CSV and beancount", async () => {
    const [id] = await addTransactions(server, server.a, 1);
    const rent = await accountByCode("6400");
    await server.call(server.a, `/api/transactions/${id}`, {
      method: "PATCH",
      json: { account_id: rent.id },
    });

    const tb = await (
      await server.call(server.a, `/api/companies/${server.a.companyId}/trial-balance`)
    ).json();
    expect(tb).toMatchObject({
      company_id: server.a.companyId,
      balanced: true,
      total_debit_cents: 350,
      total_credit_cents: 350,
    });
    expect(tb.rows.find((r: { account_id: string }) => r.account_id === rent.id)).toMatchObject({
      debit_cents: 350,
      balance_cents: 350,
    });

    const csv = await server.call(server.a, `/api/companies/${server.a.companyId}/journal/export?format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="journal-.+\.csv"/);
    expect(await csv.text()).toContain("COFFEE SHOP 0");
    const beancount = await server.call(
      server.a,
      `/api/companies/${server.a.companyId}/journal/export?format=beancount`,
    );
    expect(await beancount.text()).toMatch(/\d{4}-\d{2}-\d{2} \*/);
    expect(
      (await server.call(server.a, `/api/companies/${server.a.companyId}/journal/export?format=xlsx`)).status,
    ).toBe(400);
  });

  it("requires company_id on the entry list (400 naming it)", async () => {
    const res = await server.call(server.a, "/api/journal-entries");
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^company_id: /);
  });
});
