/**
 * The typed client of the Ledgerflow API for the web app: `import { createApiClient } from
 * "@ledgerflow/server/client"`. Request and response types come from the same zod schemas the
 * server validates with, so a change of the API is a type error in the web app. Browser-safe: it
 * imports only schemas (no Node modules).
 */
import type { z } from "@hono/zod-openapi";
import type { WireJob } from "@ledgerflow/jobs";
import type { ErrorBody, JobList } from "@ledgerflow/jobs/http";
import type {
  Account,
  AccountListSchema,
  Company,
  CompanyListSchema,
  CreateCompany,
} from "./schemas/companies.js";
import type { CategorizeRequest, JobAccepted } from "./schemas/job-commands.js";
import type { JournalList, TrialBalance } from "./schemas/journal.js";
import type { CreateRule, Rule, UpdateRule } from "./schemas/rules.js";
import type { Schedule, ScheduleList } from "./schemas/schedules.js";
import type { Transaction, TransactionList } from "./schemas/transactions.js";

export { ErrorBodySchema, JobListSchema, WireJobSchema } from "@ledgerflow/jobs/http";
export { AccountSchema, CompanySchema, CreateCompanySchema } from "./schemas/companies.js";
export { CategorizeRequestSchema, JobAcceptedSchema } from "./schemas/job-commands.js";
export { JournalEntrySchema, JournalListSchema, TrialBalanceSchema } from "./schemas/journal.js";
export { CreateRuleSchema, RuleSchema, UpdateRuleSchema } from "./schemas/rules.js";
export { ScheduleListSchema, ScheduleSchema } from "./schemas/schedules.js";
export { TRANSACTION_STATUSES, TransactionListSchema, TransactionSchema } from "./schemas/transactions.js";
export type {
  Account,
  CategorizeRequest,
  Company,
  CreateCompany,
  CreateRule,
  ErrorBody,
  JobAccepted,
  JobList,
  JournalList,
  Rule,
  Schedule,
  ScheduleList,
  Transaction,
  TransactionList,
  TrialBalance,
  UpdateRule,
  WireJob,
};
export type JournalEntry = JournalList["entries"][number];

/** A non-2xx answer: the server's `{error: {code, message}}` plus the status. */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, from Retry-After on a 429. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  /** Default "" (same origin). */
  baseUrl?: string;
  /** Read on every request, so signing in again takes effect at once. */
  token: () => string | null;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

const qs = (query: Query) => {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined && v !== "") as Array<
    [string, string | number]
  >;
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : "";
};

export function createApiClient(options: ApiClientOptions) {
  const base = options.baseUrl ?? "";
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function send(
    method: string,
    path: string,
    body?: unknown,
    extra: HeadersInit = {},
  ): Promise<Response> {
    const headers = new Headers(extra);
    const token = options.token();
    if (token) headers.set("Authorization", `Bearer ${token}`);
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers.set("Content-Type", "application/json");
      payload = JSON.stringify(body);
    }
    const res = await doFetch(`${base}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    if (!res.ok) {
      const parsed = (await res.json().catch(() => null)) as ErrorBody | null;
      const retry = res.headers.get("retry-after");
      throw new ApiRequestError(
        res.status,
        parsed?.error?.code ?? "http_error",
        parsed?.error?.message ?? `${method} ${path} failed with ${res.status}`,
        retry ? Number(retry) : null,
      );
    }
    return res;
  }
  const json = async <T>(method: string, path: string, body?: unknown, headers?: HeadersInit): Promise<T> =>
    (await (await send(method, path, body, headers)).json()) as T;
  const idem = (key?: string): HeadersInit => (key ? { "Idempotency-Key": key } : {});

  return {
    jobs: {
      get: (id: string) => json<WireJob>("GET", `/api/jobs/${encodeURIComponent(id)}`),
      list: (q: { status?: string; type?: string; cursor?: string; limit?: number } = {}) =>
        json<JobList>("GET", `/api/jobs${qs(q)}`),
      cancel: (id: string) => json<WireJob>("POST", `/api/jobs/${encodeURIComponent(id)}/cancel`),
      retry: (id: string) => json<WireJob>("POST", `/api/jobs/${encodeURIComponent(id)}/retry`),
      delete: async (id: string) => {
        await send("DELETE", `/api/jobs/${encodeURIComponent(id)}`);
      },
      categorize: (body: CategorizeRequest, idempotencyKey?: string) =>
        json<JobAccepted>("POST", "/api/jobs/categorize", body, idem(idempotencyKey)),
      uploadAndCategorize: (
        companyId: string,
        file: Blob,
        filename = "statement.csv",
        idempotencyKey?: string,
      ) => {
        const form = new FormData();
        form.set("company_id", companyId);
        form.set("file", file, filename);
        return json<JobAccepted>("POST", "/api/jobs/upload-and-categorize", form, idem(idempotencyKey));
      },
      /** URL of the job's Server-Sent Events (read with fetch: EventSource cannot send the token). */
      eventsUrl: (id: string) => `${base}/api/jobs/${encodeURIComponent(id)}/events`,
    },
    companies: {
      list: () => json<z.infer<typeof CompanyListSchema>>("GET", "/api/companies"),
      create: (body: CreateCompany) => json<Company>("POST", "/api/companies", body),
      get: (id: string) => json<Company>("GET", `/api/companies/${encodeURIComponent(id)}`),
      accounts: (id: string) =>
        json<z.infer<typeof AccountListSchema>>("GET", `/api/companies/${encodeURIComponent(id)}/accounts`),
      trialBalance: (id: string, asOf?: string) =>
        json<TrialBalance>(
          "GET",
          `/api/companies/${encodeURIComponent(id)}/trial-balance${qs({ as_of: asOf })}`,
        ),
      exportJournal: async (id: string, format: "csv" | "beancount") =>
        (
          await send("GET", `/api/companies/${encodeURIComponent(id)}/journal/export${qs({ format })}`)
        ).text(),
    },
    transactions: {
      list: (
        q: { company_id?: string; status?: string; import_id?: string; cursor?: string; limit?: number } = {},
      ) => json<TransactionList>("GET", `/api/transactions${qs(q)}`),
      get: (id: string) => json<Transaction>("GET", `/api/transactions/${encodeURIComponent(id)}`),
      recategorize: (id: string, accountId: string) =>
        json<Transaction>("PATCH", `/api/transactions/${encodeURIComponent(id)}`, { account_id: accountId }),
    },
    rules: {
      list: (companyId: string) =>
        json<{ rules: Rule[] }>("GET", `/api/companies/${encodeURIComponent(companyId)}/rules`),
      create: (companyId: string, body: CreateRule) =>
        json<Rule>("POST", `/api/companies/${encodeURIComponent(companyId)}/rules`, body),
      get: (id: string) => json<Rule>("GET", `/api/rules/${encodeURIComponent(id)}`),
      update: (id: string, body: UpdateRule) =>
        json<Rule>("PATCH", `/api/rules/${encodeURIComponent(id)}`, body),
      delete: async (id: string) => {
        await send("DELETE", `/api/rules/${encodeURIComponent(id)}`);
      },
      reorder: (companyId: string, ruleIds: string[]) =>
        json<{ rules: Rule[] }>("PUT", `/api/companies/${encodeURIComponent(companyId)}/rules/order`, {
          rule_ids: ruleIds,
        }),
    },
    schedules: {
      list: () => json<ScheduleList>("GET", "/api/schedules"),
      pause: (name: string) => json<Schedule>("POST", `/api/schedules/${encodeURIComponent(name)}/pause`),
      resume: (name: string) => json<Schedule>("POST", `/api/schedules/${encodeURIComponent(name)}/resume`),
    },
    journal: {
      entries: (q: { company_id: string; transaction_id?: string; cursor?: string; limit?: number }) =>
        json<JournalList>("GET", `/api/journal-entries${qs(q)}`),
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
