import { describe, expect, it } from "vitest";
import { createAccount, getAccount, listAccounts } from "../src/db/accounts.js";
import { getCompany, listCompanies } from "../src/db/companies.js";
import { createImport, getImport } from "../src/db/imports.js";
import { createRule, deleteRule, listRules, reorderRules, updateRule } from "../src/db/rules.js";
import { createApiToken, verifyApiToken } from "../src/db/tokens.js";
import { getTransaction, insertTransactions, listTransactions } from "../src/db/transactions.js";
import { seedCompany } from "./db.fixtures.js";
import { describeEachDialect } from "./db.support.js";

const row = (i: number, amountCents = -1000 - i) => ({
  date: `2024-01-${String((i % 28) + 1).padStart(2, "0")}`,
  description: `COFFEE SHOP ${i}`,
  payee: "Coffee Shop",
  amountCents,
  fingerprint: `fp-${i}`,
});

describeEachDialect("repositories", (ctx) => {
  it("a new company gets the default chart with one bank account", async () => {
    const { db } = ctx();
    const { tenantId, companyId, accounts } = await seedCompany(db);
    expect(accounts.length).toBeGreaterThan(15);
    expect(accounts.filter((a) => a.isBank)).toHaveLength(1);
    expect(new Set(accounts.map((a) => a.type))).toEqual(
      new Set(["asset", "liability", "equity", "income", "expense"]),
    );
    expect(await listCompanies(db, tenantId)).toHaveLength(1);
    expect(await getCompany(db, tenantId, companyId)).toMatchObject({ id: companyId, name: "Acme" });
  });

  it("another tenant's company, account, transaction, import and rule are not found", async () => {
    const { db } = ctx();
    const a = await seedCompany(db, "A");
    const b = await seedCompany(db, "B");
    await insertTransactions(db, a.tenantId, { companyId: a.companyId, rows: [row(1)] });
    const [txn] = (await listTransactions(db, a.tenantId)).transactions;
    const imp = await createImport(db, a.tenantId, {
      companyId: a.companyId,
      filename: "x.csv",
      content: new Uint8Array([1]),
    });
    const rule = await createRule(db, a.tenantId, {
      companyId: a.companyId,
      name: "coffee",
      conditions: [{ field: "description", op: "contains", value: "coffee" }],
      accountId: a.byCode("6200").id,
    });
    expect(await getCompany(db, b.tenantId, a.companyId)).toBeNull();
    expect(await listAccounts(db, b.tenantId, a.companyId)).toEqual([]);
    expect(await getAccount(db, b.tenantId, a.bank.id)).toBeNull();
    expect(await getTransaction(db, b.tenantId, txn?.id ?? "")).toBeNull();
    expect((await listTransactions(db, b.tenantId)).transactions).toEqual([]);
    expect(await getImport(db, b.tenantId, imp.id)).toBeNull();
    expect(await updateRule(db, b.tenantId, rule.id, { name: "stolen" })).toBeNull();
    expect(await deleteRule(db, b.tenantId, rule.id)).toBe(false);
    await expect(
      insertTransactions(db, b.tenantId, { companyId: a.companyId, rows: [row(2)] }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      createAccount(db, b.tenantId, { companyId: a.companyId, code: "7000", name: "x", type: "expense" }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("inserting transactions skips fingerprints the company already has", async () => {
    const { db } = ctx();
    const { tenantId, companyId } = await seedCompany(db);
    const rows = Array.from({ length: 450 }, (_, i) => row(i));
    expect(await insertTransactions(db, tenantId, { companyId, rows })).toEqual({ inserted: 450 });
    expect(await insertTransactions(db, tenantId, { companyId, rows: [...rows, row(999)] })).toEqual({
      inserted: 1,
    });
  });

  it("lists transactions with filters and cursor paging, newest first", async () => {
    const { db } = ctx();
    const { tenantId, companyId } = await seedCompany(db);
    await insertTransactions(db, tenantId, { companyId, rows: Array.from({ length: 25 }, (_, i) => row(i)) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listTransactions>> = await listTransactions(db, tenantId, {
        companyId,
        status: "uncategorized",
        limit: 10,
        cursor,
      });
      seen.push(...page.transactions.map((t) => `${t.date}|${t.id}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect((await listTransactions(db, tenantId, { status: "categorized" })).transactions).toEqual([]);
    await expect(listTransactions(db, tenantId, { cursor: "garbage" })).rejects.toMatchObject({
      code: "invalid",
    });
  });

  it("stores an import's bytes and reads them back unchanged", async () => {
    const { db } = ctx();
    const { tenantId, companyId } = await seedCompany(db);
    const content = new Uint8Array([0xef, 0xbb, 0xbf, 0x00, 0xff, 0x41]);
    const imp = await createImport(db, tenantId, {
      companyId,
      filename: "bank.csv",
      content,
      options: { dateOrder: "dmy" },
    });
    const back = await getImport(db, tenantId, imp.id);
    expect(back && [...back.content]).toEqual([...content]);
    expect(back).toMatchObject({
      filename: "bank.csv",
      sizeBytes: 6,
      status: "uploaded",
      options: { dateOrder: "dmy" },
    });
  });

  it("rules are created in order, validated, updated, reordered and deleted", async () => {
    const { db } = ctx();
    const { tenantId, companyId, byCode } = await seedCompany(db);
    const make = (name: string) =>
      createRule(db, tenantId, {
        companyId,
        name,
        conditions: [{ field: "payee", op: "equals", value: name }],
        accountId: byCode("6500").id,
      });
    const r1 = await make("one");
    const r2 = await make("two");
    const r3 = await make("three");
    expect((await listRules(db, tenantId, companyId)).map((r) => r.name)).toEqual(["one", "two", "three"]);
    await expect(
      createRule(db, tenantId, {
        companyId,
        name: "bad",
        conditions: [{ field: "x" }],
        accountId: byCode("6500").id,
      }),
    ).rejects.toMatchObject({ code: "invalid" });
    expect(await updateRule(db, tenantId, r2.id, { enabled: false })).toMatchObject({ enabled: false });
    const reordered = await reorderRules(db, tenantId, companyId, [r3.id, r1.id, r2.id]);
    expect(reordered.map((r) => r.name)).toEqual(["three", "one", "two"]);
    await expect(reorderRules(db, tenantId, companyId, [r3.id, r1.id])).rejects.toMatchObject({
      code: "invalid",
    });
    expect(await deleteRule(db, tenantId, r1.id)).toBe(true);
    expect(await listRules(db, tenantId, companyId)).toHaveLength(2);
  });

  it("an API token is shown once, stored hashed, and verifies to its tenant", async () => {
    const { db } = ctx();
    const { tenantId } = await seedCompany(db);
    const { token, record } = await createApiToken(db, tenantId, { name: "cli" });
    expect(token).toMatch(/^lf_[A-Za-z0-9_-]{32}$/);
    const stored = await db.selectFrom("api_tokens").selectAll().executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token.slice(3));
    expect(record.prefix).toBe(token.slice(0, 10));
    expect(await verifyApiToken(db, token)).toEqual({ tenantId, tokenId: record.id, operator: false });
    expect(await verifyApiToken(db, `${token}x`)).toBeNull();
    expect(await verifyApiToken(db, "Bearer nonsense")).toBeNull();
  });
});

describe("token format", () => {
  it("a given token must start with lf_", async () => {
    const { createTestDb } = await import("./db.support.js");
    const t = await createTestDb("sqlite");
    try {
      const { tenantId } = await seedCompany(t.db);
      await expect(createApiToken(t.db, tenantId, { token: "secret-demo-token" })).rejects.toThrow(/lf_/);
    } finally {
      await t.close();
    }
  });
});
