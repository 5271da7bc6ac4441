import { expect, it } from "vitest";
import { listRules } from "../src/db/rules.js";
import { verifyApiToken } from "../src/db/tokens.js";
import { countTransactionsByStatus } from "../src/db/transactions.js";
import { seedDemo } from "../src/demo/seed.js";
import { describeEachDialect } from "./db.support.js";

describeEachDialect("demo seed", (ctx) => {
  it("creates a tenant with a working token, a company, rules and the sample transactions", async () => {
    const { db } = ctx();
    const demo = await seedDemo(db);
    expect(demo.token).toMatch(/^lf_/);
    expect(await verifyApiToken(db, demo.token ?? "")).toMatchObject({ tenantId: demo.tenantId });
    expect(demo.inserted).toBe(60);
    expect(await countTransactionsByStatus(db, demo.tenantId, demo.companyId)).toEqual({
      uncategorized: 60,
      categorized: 0,
      needs_review: 0,
    });
    expect((await listRules(db, demo.tenantId, demo.companyId)).length).toBeGreaterThanOrEqual(5);
  });

  it("running it twice changes nothing, and a given token is honoured", async () => {
    const { db } = ctx();
    const token = "lf_demo_token_for_tests_0123456789";
    const first = await seedDemo(db, { token });
    const tables = ["tenants", "api_tokens", "companies", "accounts", "rules", "transactions"] as const;
    const count = async () =>
      Promise.all(
        tables.map(async (t) =>
          Number(
            (
              await db
                .selectFrom(t)
                .select((eb) => eb.fn.countAll().as("n"))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ),
      );
    const before = await count();
    const second = await seedDemo(db, { token });
    expect(first.token).toBe(token);
    expect(second).toMatchObject({
      token: null,
      inserted: 0,
      tenantId: first.tenantId,
      companyId: first.companyId,
    });
    expect(await count()).toEqual(before);
    expect(await verifyApiToken(db, token)).toMatchObject({ tenantId: first.tenantId });
  });

  it("two processes seeding one fresh database at once both start, with one tenant and one token", async () => {
    const { db } = ctx();
    const token = "lf_demo_token_for_race_0123456789";
    const results = await Promise.all([seedDemo(db, { token }), seedDemo(db, { token })]);
    expect(results.map((r) => r.tenantId)).toEqual([results[0]?.tenantId, results[0]?.tenantId]);
    const tokens = await db.selectFrom("api_tokens").select("id").execute();
    expect(tokens).toHaveLength(1);
    const tenants = await db.selectFrom("tenants").select("id").execute();
    expect(tenants).toHaveLength(1);
    expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(60);
  });
});
