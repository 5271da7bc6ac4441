import { expect, it } from "vitest";
import { listAccounts } from "../src/db/accounts.js";
import { resolveCategoryAccounts } from "../src/tasks/category-accounts.js";
import { seedCompany } from "./db.fixtures.js";
import { describeEachDialect } from "./db.support.js";

describeEachDialect("category accounts of history imports", (ctx) => {
  it("two imports creating the same new category at once share one account", async () => {
    const { db } = ctx();
    const { tenantId, companyId } = await seedCompany(db);
    const rows = [{ category: "Coffee Beans", amountCents: -1200 }];
    const [a, b] = await Promise.all([
      resolveCategoryAccounts(db, tenantId, companyId, rows),
      resolveCategoryAccounts(db, tenantId, companyId, rows),
    ]);
    expect(a.get("coffee beans")).toBeDefined();
    expect(b.get("coffee beans")).toBe(a.get("coffee beans"));
    const named = (await listAccounts(db, tenantId, companyId)).filter((x) => x.name === "Coffee Beans");
    expect(named).toHaveLength(1);
  });

  it("two imports creating different new categories at once get different codes", async () => {
    const { db } = ctx();
    const { tenantId, companyId } = await seedCompany(db);
    const [a, b] = await Promise.all([
      resolveCategoryAccounts(db, tenantId, companyId, [{ category: "Roastery Rent", amountCents: -900 }]),
      resolveCategoryAccounts(db, tenantId, companyId, [{ category: "Green Beans", amountCents: -700 }]),
    ]);
    const accounts = await listAccounts(db, tenantId, companyId);
    const rent = accounts.find((x) => x.id === a.get("roastery rent"));
    const beans = accounts.find((x) => x.id === b.get("green beans"));
    expect(rent?.type).toBe("expense");
    expect(beans?.type).toBe("expense");
    expect(rent?.code).not.toBe(beans?.code);
  });
});
