// @vitest-environment node
import type * as Server from "@ledgerflow/server/client";
import { describe, expectTypeOf, it } from "vitest";
import type { Schedule as WebSchedule } from "../src/api/schedules.js";
import type * as Web from "../src/api/types.js";

// Type-only: the web app keeps its own small wire types (no zod in the bundle), and this test makes
// `tsc` fail when the server's schemas drift away from them.
describe("the web app's wire types match the server's", () => {
  it("companies, accounts, transactions, journal, trial balance, job acceptance", () => {
    expectTypeOf<Server.Company>().toExtend<Web.Company>();
    expectTypeOf<Server.Account>().toExtend<Web.Account>();
    expectTypeOf<Server.Transaction>().toExtend<Web.Transaction>();
    expectTypeOf<Server.JournalEntry>().toExtend<Web.JournalEntry>();
    expectTypeOf<Server.TrialBalance>().toExtend<Web.TrialBalance>();
    expectTypeOf<Server.JobAccepted>().toExtend<Web.JobAccepted>();
    expectTypeOf<Server.Schedule>().toExtend<WebSchedule>();
  });

  it("rules, apart from conditions (the server types them loosely; the books schema checks them)", () => {
    expectTypeOf<Omit<Server.Rule, "conditions">>().toExtend<Omit<Web.Rule, "conditions">>();
    expectTypeOf<Omit<Web.RuleInput, "conditions">>().toExtend<Omit<Server.CreateRule, "conditions">>();
  });
});
