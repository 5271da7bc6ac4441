import type { JobStatus, WireFlow, WireJob } from "@ledgerflow/jobs-react";
import { apiFetch, apiJson } from "./http.js";
import type {
  Account,
  Company,
  ImportPreview,
  JobAccepted,
  JournalEntry,
  MappingChoice,
  Rule,
  RuleInput,
  Transaction,
  TransactionStatus,
  TrialBalance,
} from "./types.js";

const q = (params: Record<string, string | number | null | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};
const id = encodeURIComponent;

export const api = {
  companies: () => apiJson<{ companies: Company[] }>("/api/companies").then((r) => r.companies),
  accounts: (companyId: string) =>
    apiJson<{ accounts: Account[] }>(`/api/companies/${id(companyId)}/accounts`).then((r) => r.accounts),

  transactions: (companyId: string, status: TransactionStatus | null, cursor?: string | null) =>
    apiJson<{ transactions: Transaction[]; next_cursor: string | null }>(
      `/api/transactions${q({ company_id: companyId, status, cursor, limit: 200 })}`,
    ),
  recategorize: (transactionId: string, accountId: string) =>
    apiJson<Transaction>(`/api/transactions/${id(transactionId)}`, {
      method: "PATCH",
      json: { account_id: accountId },
    }),

  startCategorize: (companyId: string, limit = 1000) =>
    apiJson<JobAccepted>("/api/jobs/categorize", { method: "POST", json: { company_id: companyId, limit } }),
  /** A job, or a preview when the server wants the columns confirmed (send again with `mapping`). */
  uploadCsv: (companyId: string, file: File, mapping?: MappingChoice) => {
    const form = new FormData();
    form.set("company_id", companyId);
    form.set("file", file, file.name);
    if (mapping) form.set("mapping", JSON.stringify(mapping));
    return apiJson<JobAccepted | ImportPreview>("/api/jobs/upload-and-categorize", { method: "POST", form });
  },

  jobs: (status: JobStatus | null, cursor?: string | null) =>
    apiJson<{ jobs: WireJob[]; next_cursor: string | null; counts?: Partial<Record<JobStatus, number>> }>(
      `/api/jobs${q({ status, cursor, limit: 50 })}`,
    ),
  job: (jobId: string, signal?: AbortSignal) =>
    apiJson<WireJob>(`/api/jobs/${id(jobId)}`, signal ? { signal } : {}),
  /** The job's durable steps, its parent or batch, and its children (the first 100 listed). */
  jobFlow: (jobId: string, signal?: AbortSignal) =>
    apiJson<WireFlow>(`/api/jobs/${id(jobId)}/flow`, signal ? { signal } : {}),
  cancelJob: (jobId: string) => apiJson<WireJob>(`/api/jobs/${id(jobId)}/cancel`, { method: "POST" }),
  retryJob: (jobId: string) => apiJson<WireJob>(`/api/jobs/${id(jobId)}/retry`, { method: "POST" }),
  deleteJob: (jobId: string) => apiJson<void>(`/api/jobs/${id(jobId)}`, { method: "DELETE" }),

  rules: (companyId: string) =>
    apiJson<{ rules: Rule[] }>(`/api/companies/${id(companyId)}/rules`).then((r) => r.rules),
  createRule: (companyId: string, rule: RuleInput) =>
    apiJson<Rule>(`/api/companies/${id(companyId)}/rules`, { method: "POST", json: rule }),
  updateRule: (ruleId: string, rule: Partial<RuleInput>) =>
    apiJson<Rule>(`/api/rules/${id(ruleId)}`, { method: "PATCH", json: rule }),
  deleteRule: (ruleId: string) => apiJson<void>(`/api/rules/${id(ruleId)}`, { method: "DELETE" }),
  reorderRules: (companyId: string, ruleIds: string[]) =>
    apiJson<unknown>(`/api/companies/${id(companyId)}/rules/order`, {
      method: "PUT",
      json: { rule_ids: ruleIds },
    }),

  journal: (companyId: string, cursor?: string | null) =>
    apiJson<{ entries: JournalEntry[]; next_cursor: string | null }>(
      `/api/journal-entries${q({ company_id: companyId, cursor, limit: 100 })}`,
    ),
  trialBalance: (companyId: string) => apiJson<TrialBalance>(`/api/companies/${id(companyId)}/trial-balance`),
  /** The export needs the bearer header, so it is fetched and handed to the browser as a file. */
  exportJournal: async (companyId: string, format: "csv" | "beancount") => {
    const response = await apiFetch(`/api/companies/${id(companyId)}/journal/export${q({ format })}`);
    const disposition = response.headers.get("content-disposition") ?? "";
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `journal.${format}`;
    return { blob: await response.blob(), filename };
  },
};
