import { expect, it } from "vitest";
import { createDbAnswerCache } from "../src/db/answer-cache.js";
import { seedCompany } from "./db.fixtures.js";
import { describeEachDialect } from "./db.support.js";

describeEachDialect("LLM answer cache in the database", (ctx) => {
  it("remembers an answer per scope and payee, and the latest answer wins", async () => {
    const { db } = ctx();
    const { tenantId, byCode } = await seedCompany(db);
    const cache = createDbAnswerCache(db);
    expect(await cache.get(`${tenantId}:chart`, "blue bottle")).toBeUndefined();
    await cache.set(`${tenantId}:chart`, "blue bottle", {
      accountId: byCode("6200").id,
      confidence: 0.85,
      reason: "coffee",
    });
    await cache.set(`${tenantId}:chart`, "blue bottle", { accountId: byCode("6300").id, confidence: 0.9 });
    expect(await cache.get(`${tenantId}:chart`, "blue bottle")).toEqual({
      accountId: byCode("6300").id,
      confidence: 0.9,
    });
    expect(await cache.get(`${tenantId}:other-chart`, "blue bottle")).toBeUndefined();
    const row = await db.selectFrom("categorizer_cache").selectAll().executeTakeFirstOrThrow();
    expect(row.tenant_id).toBe(tenantId);
  });

  it("ignores an answer naming an account that no longer exists", async () => {
    const { db } = ctx();
    const cache = createDbAnswerCache(db);
    await cache.set("scope", "payee", { accountId: "acc_gone", confidence: 0.9 });
    expect(await cache.get("scope", "payee")).toBeUndefined();
  });
});
