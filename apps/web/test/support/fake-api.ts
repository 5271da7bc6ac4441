import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";

type Handler = (request: { url: URL; method: string; body: unknown; headers: Headers }) => unknown;

export interface FakeApi {
  on(method: string, path: string | RegExp, handler: Handler): FakeApi;
  calls: { method: string; path: string; body: unknown; authorization: string | null }[];
  restore(): void;
}

/** Replaces global fetch with a small router; answers 404 in the API's error shape for anything unrouted. */
export function installFakeApi(): FakeApi {
  const routes: { method: string; path: string | RegExp; handler: Handler }[] = [];
  const calls: FakeApi["calls"] = [];
  const original = globalThis.fetch;
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const method = (init?.method ?? "GET").toUpperCase();
    const headers = new Headers(init?.headers);
    const raw = init?.body;
    const body = typeof raw === "string" ? JSON.parse(raw) : raw;
    calls.push({
      method,
      path: url.pathname + url.search,
      body,
      authorization: headers.get("authorization"),
    });
    const route = routes.find(
      (r) =>
        r.method === method &&
        (typeof r.path === "string" ? r.path === url.pathname : r.path.test(url.pathname)),
    );
    if (!route)
      return Response.json(
        { error: { code: "not_found", message: `No route ${method} ${url.pathname}` } },
        { status: 404 },
      );
    const result = await route.handler({ url, method, body, headers });
    return result instanceof Response ? result : Response.json(result);
  }) as typeof fetch;
  const api: FakeApi = {
    on(method, path, handler) {
      routes.unshift({ method, path, handler });
      return api;
    },
    calls,
    restore() {
      globalThis.fetch = original;
    },
  };
  return api;
}

export const company = { id: "co_1", name: "Acme Bakery", created_at: "2026-01-01T00:00:00.000Z" };
export const accounts = [
  { id: "acc_bank", company_id: "co_1", code: "1000", name: "Bank", type: "asset", is_bank: true },
  { id: "acc_food", company_id: "co_1", code: "6100", name: "Groceries", type: "expense", is_bank: false },
  { id: "acc_rent", company_id: "co_1", code: "6200", name: "Rent", type: "expense", is_bank: false },
];

export function transaction(overrides: Record<string, unknown> = {}) {
  return {
    id: "tx_1",
    company_id: "co_1",
    import_id: null,
    date: "2026-03-01",
    description: "REWE Markt",
    payee: null,
    amount_cents: -1722,
    status: "uncategorized",
    account_id: null,
    confidence: null,
    source: null,
    created_at: "2026-03-01T00:00:00.000Z",
    updated_at: "2026-03-01T00:00:00.000Z",
    ...overrides,
  };
}

export function job(overrides: Record<string, unknown> = {}) {
  const at = "2026-03-01T10:00:00.000Z";
  return {
    id: "job_1",
    type: "categorize_transactions",
    status: "running",
    progress: 40,
    message: "Categorizing transaction 4/10...",
    result: null,
    error: null,
    attempts: 1,
    max_attempts: 4,
    input: { company_id: "co_1", limit: 1000 },
    created_at: at,
    updated_at: at,
    run_at: at,
    started_at: at,
    finished_at: null,
    expires_at: null,
    ...overrides,
  };
}

/** The routes every signed-in page needs. */
export function withCompany(api: FakeApi): FakeApi {
  return api
    .on("GET", "/api/companies", () => ({ companies: [company] }))
    .on("GET", "/api/companies/co_1/accounts", () => ({ accounts }));
}

/** For a whole test file: before each test a signed-in session and a fresh fake API; after, cleanup. */
export function signedInWithFakeApi(): () => FakeApi {
  let api: FakeApi | undefined;
  beforeEach(() => {
    window.localStorage.clear();
    window.localStorage.setItem("ledgerflow.token", "lf_test_token_123456");
    api = installFakeApi();
  });
  afterEach(() => {
    cleanup();
    api?.restore();
  });
  return () => {
    if (!api) throw new Error("signedInWithFakeApi: the fake API is only there inside a test");
    return api;
  };
}
