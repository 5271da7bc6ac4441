import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { api } from "../api/endpoints.js";
import type { Account, Company } from "../api/types.js";
import { useResource } from "./use-resource.js";

const COMPANY_KEY = "ledgerflow.company";

export interface CompanyState {
  companies: Company[];
  company: Company | null;
  accounts: Account[];
  accountsById: Map<string, Account>;
  selectCompany: (id: string) => void;
  loading: boolean;
  error: Error | null;
}

const CompanyContext = createContext<CompanyState | null>(null);

/** Loads the tenant's companies and the chosen company's chart of accounts, which every page needs. */
export function CompanyProvider({ children }: { children: ReactNode }) {
  const companies = useResource("companies", api.companies);
  const [chosenId, setChosenId] = useState<string | null>(() => window.localStorage.getItem(COMPANY_KEY));
  const list = companies.data ?? [];
  const company = list.find((c) => c.id === chosenId) ?? list[0] ?? null;
  const accounts = useResource(company ? `accounts:${company.id}` : null, () =>
    api.accounts(company?.id ?? ""),
  );

  useEffect(() => {
    if (company) window.localStorage.setItem(COMPANY_KEY, company.id);
  }, [company]);

  const accountList = accounts.data ?? [];
  const value: CompanyState = {
    companies: list,
    company,
    accounts: accountList,
    accountsById: new Map(accountList.map((a) => [a.id, a])),
    selectCompany: setChosenId,
    loading: companies.loading || (company !== null && accounts.loading),
    error: companies.error ?? accounts.error,
  };
  return <CompanyContext.Provider value={value}>{children}</CompanyContext.Provider>;
}

export function useCompany(): CompanyState {
  const value = useContext(CompanyContext);
  if (!value) throw new Error("useCompany must be used inside <CompanyProvider>");
  return value;
}

export function accountLabel(account: Account | undefined): string {
  return account ? `${account.code} · ${account.name}` : "—";
}
