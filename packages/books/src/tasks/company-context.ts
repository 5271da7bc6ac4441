import type { HistoryModel } from "../categorize/history/model.js";
import type { Rule } from "../categorize/rules/schema.js";
import type { Account } from "../categorize/types.js";
import { getBankAccount, listAccounts } from "../db/accounts.js";
import type { BooksDb } from "../db/open.js";
import { listRules } from "../db/rules.js";
import { loadHistoryModel } from "./history.js";

/** What categorizing one company's transactions needs, loaded once per job. */
export interface CompanyContext {
  companyId: string;
  bankAccountId: string;
  /** Every account a transaction may be booked to: the chart without the bank account. */
  accounts: Account[];
  rules: Rule[];
  history: HistoryModel;
}

export async function loadCompanyContext(
  db: BooksDb,
  tenantId: string,
  companyId: string,
): Promise<CompanyContext> {
  const [bank, accounts, rules, history] = await Promise.all([
    getBankAccount(db, tenantId, companyId),
    listAccounts(db, tenantId, companyId),
    listRules(db, tenantId, companyId),
    loadHistoryModel(db, tenantId, companyId),
  ]);
  return {
    companyId,
    bankAccountId: bank.id,
    accounts: accounts
      .filter((a) => !a.isBank)
      .map((a) => ({ id: a.id, code: a.code, name: a.name, type: a.type })),
    rules: rules.filter((r) => r.enabled),
    history,
  };
}
