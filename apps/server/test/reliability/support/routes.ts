import type { TestServer, TestTenant } from "../../support/server.js";
import { csvForm } from "../../support/server.js";

/** One operation of the HTTP API as /openapi.json lists it: `GET /api/jobs/{id}`. */
export interface Operation {
  method: string;
  path: string;
  /** Names of its query parameters. */
  query: string[];
}

/** Every operation the app documents, read from its own OpenAPI document (the source of truth). */
export async function listOperations(server: TestServer): Promise<Operation[]> {
  const doc = (await (await server.app.request("/openapi.json")).json()) as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
    })),
  );
}

/** The concrete `/api/...` routes Hono registered (the OpenAPI list must cover all of them). */
export function registeredApiRoutes(server: TestServer): string[] {
  const seen = new Set<string>();
  for (const r of server.app.routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/") || r.path.endsWith("*")) continue;
    seen.add(`${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return [...seen].sort();
}

/** Tenant A's ids of every kind, the ones the other tenant must never reach. */
export interface OwnedIds {
  job: string;
  company: string;
  transaction: string;
  rule: string;
  account: string;
  import: string;
}

/** Which kind of id the `{id}` of a path is: the collection it follows. */
export function idKindOf(path: string): keyof OwnedIds | null {
  const match = /^\/api\/(jobs|companies|transactions|rules)\/\{id\}/.exec(path);
  const kinds = { jobs: "job", companies: "company", transactions: "transaction", rules: "rule" } as const;
  return match?.[1] ? kinds[match[1] as keyof typeof kinds] : null;
}

/**
 * A well-formed request for each operation, so a 404 can only come from ownership (not from a 400
 * on a missing body). Keys are `METHOD path`; a new route without an entry fails the table test.
 */
export function requestFor(
  op: Operation,
  ids: OwnedIds,
): { path: string; init: RequestInit & { json?: unknown } } | "no-id" {
  const kind = idKindOf(op.path);
  const path = kind ? op.path.replace("{id}", ids[kind]) : op.path;
  const key = `${op.method} ${op.path}`;
  const bodies: Record<string, () => unknown> = {
    "POST /api/jobs/categorize": () => ({ company_id: ids.company }),
    "POST /api/jobs/upload-and-categorize": () =>
      csvForm(ids.company, "Date,Description,Amount\n2026-01-01,X,-1\n"),
    "POST /api/companies/{id}/rules": () => ({
      name: "x",
      conditions: [{ field: "description", op: "contains", value: "X" }],
      account_id: ids.account,
    }),
    "PUT /api/companies/{id}/rules/order": () => ({ rule_ids: [ids.rule] }),
    "PATCH /api/transactions/{id}": () => ({ account_id: ids.account }),
    "PATCH /api/rules/{id}": () => ({ name: "stolen" }),
  };
  const queries: Record<string, string> = {
    "GET /api/journal-entries": `?company_id=${ids.company}`,
    "GET /api/transactions": `?import_id=${ids.import}`,
    "GET /api/companies/{id}/journal/export": "?format=csv",
  };
  const body = bodies[key]?.();
  if (!kind && body === undefined && !queries[key]) return "no-id";
  const init: RequestInit & { json?: unknown } = { method: op.method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) init.json = body;
  return { path: path + (queries[key] ?? ""), init };
}

/** Row counts of every table of the books database, to prove an attack changed nothing. */
export async function tableCounts(server: TestServer): Promise<Record<string, number>> {
  const tables = await server.db.introspection.getTables();
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const row = await server.db
      .selectFrom(t.name as "tenants")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    counts[t.name] = Number(row.n);
  }
  return counts;
}

export type { TestServer, TestTenant };
