import { expect, it } from "vitest";
import { createTenant } from "../src/db/tenants.js";
import { createApiToken, verifyApiToken } from "../src/db/tokens.js";
import { describeEachDialect } from "./db.support.js";

describeEachDialect("operator tokens (migration 0005)", (ctx) => {
  it("a token is a tenant's only, unless it was created as an operator's", async () => {
    const { db } = ctx();
    const tenant = await createTenant(db, { name: "Ops" });
    const plain = await createApiToken(db, tenant.id);
    const operator = await createApiToken(db, tenant.id, { name: "ops", operator: true });
    expect(plain.record.operator).toBe(false);
    expect(operator.record.operator).toBe(true);
    expect(await verifyApiToken(db, plain.token)).toEqual({
      tenantId: tenant.id,
      tokenId: plain.record.id,
      operator: false,
    });
    expect(await verifyApiToken(db, operator.token)).toEqual({
      tenantId: tenant.id,
      tokenId: operator.record.id,
      operator: true,
    });
  });

  it("tokens that existed before the migration stay non-operators (the column defaults to 0)", async () => {
    const { db } = ctx();
    const tenant = await createTenant(db, { name: "Old" });
    await db
      .insertInto("api_tokens")
      .values({
        id: "tok_old",
        tenant_id: tenant.id,
        token_hash: "0".repeat(64),
        prefix: "lf_old",
        name: null,
        created_at: 1,
        last_used_at: null,
      })
      .execute();
    const row = await db
      .selectFrom("api_tokens")
      .select("operator")
      .where("id", "=", "tok_old")
      .executeTakeFirst();
    expect(row?.operator).toBe(0);
  });
});
