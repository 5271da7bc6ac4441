import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestServer, type TestServer } from "../support/server.js";
import { listOperations, type Operation, type OwnedIds, tableCounts } from "./support/routes.js";
import { seedTenant } from "./support/tenant-data.js";

/** Descriptions a bank export could carry that a spreadsheet would run as formulas. */
const FORMULAS = [
  "=cmd|' /C calc'!A0",
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|'/C calc'!A0",
  "@SUM(1+1)*cmd|'/C calc'!A0",
];
const SQL = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE transactions; --",
  '" OR ""="',
  "1; DELETE FROM jobs",
  "x') UNION SELECT * FROM api_tokens --",
  "%' OR 'x' LIKE '%",
  "\\'; SELECT pg_sleep(5); --",
  "1 OR 1=1",
  "' || (SELECT token_hash FROM api_tokens LIMIT 1) || '",
];

let server: TestServer;
let ids: OwnedIds;
let ops: Operation[];
let before: Record<string, number>;

beforeAll(async () => {
  server = await createTestServer();
  ids = await seedTenant(server, server.a, [...FORMULAS, "COFFEE SHOP"]);
  ops = (await listOperations(server)).filter((op) => op.path.startsWith("/api/"));
  before = await tableCounts(server);
});
afterAll(() => server.close());

describe("SQL injection strings in every filter, query and id parameter", () => {
  it("gets a 4xx or an empty answer, never a 5xx nor another row, and leaves every table intact", async () => {
    const failures: string[] = [];
    let requests = 0;
    const gets = ops.filter((op) => op.method === "GET" && !op.path.endsWith("/events"));
    for (const op of gets) {
      for (const attack of SQL) {
        const enc = encodeURIComponent(attack);
        const urls: string[] = [];
        if (op.path.includes("{id}")) urls.push(op.path.replace("{id}", enc));
        const base = op.path.replace("{id}", ids.company);
        for (const name of op.query) {
          const others =
            op.query.includes("company_id") && name !== "company_id" ? `&company_id=${ids.company}` : "";
          urls.push(`${base}?${name}=${enc}${others}`);
        }
        for (const url of urls) {
          requests++;
          const res = await server.call(server.a, url);
          const text = await res.text();
          if (res.status >= 500) failures.push(`${url} → ${res.status}`);
          else if (res.status === 200 && leaksRows(text))
            failures.push(`${url} → 200 with rows: ${text.slice(0, 100)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(150);
    expect(await tableCounts(server)).toEqual(before);
  });

  it("stores injection strings in bodies as plain text", async () => {
    const attack = SQL[2] ?? "";
    const res = await server.call(server.a, `/api/companies/${ids.company}/rules`, {
      method: "POST",
      json: {
        name: attack,
        conditions: [{ field: "description", op: "contains", value: attack }],
        account_id: ids.account,
      },
    });
    expect(res.status).toBe(201);
    const rule = await res.json();
    expect((await (await server.call(server.a, `/api/rules/${rule.id}`)).json()).name).toBe(attack);
    expect((await tableCounts(server)).transactions).toBe(before.transactions);
    await server.call(server.a, `/api/rules/${rule.id}`, { method: "DELETE" });
  });
});

/**
 * A filter built from an injection string matches nothing, so a 200 may only carry empty lists; the
 * id routes answer 404 and the company-level reports (trial balance, export) are no lists.
 */
function leaksRows(text: string): boolean {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return ["transactions", "entries", "jobs"].some((k) => Array.isArray(body[k]) && body[k].length > 0);
  } catch {
    return false;
  }
}

describe("CSV export of the journal", () => {
  it("neutralises formula injection: no cell begins with = + - @ as a spreadsheet would run it", async () => {
    const res = await server.call(server.a, `/api/companies/${ids.company}/journal/export?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const cells = parseCsv(await res.text()).flat();
    for (const formula of FORMULAS) expect(cells).toContain(`'${formula}`);
    const dangerous = cells.filter((cell) => /^[=+@\t\r]/.test(cell) || /^-(?!\d+(\.\d+)?$)/.test(cell));
    expect(dangerous).toEqual([]);
  });

  it("keeps the beancount export free of the raw formula at the start of a line", async () => {
    const res = await server.call(server.a, `/api/companies/${ids.company}/journal/export?format=beancount`);
    expect(res.status).toBe(200);
    for (const line of (await res.text()).split("\n")) expect(line).not.toMatch(/^[=+@]/);
  });
});

/** RFC 4180 cells (quoted fields with "" escapes, CRLF rows): enough to read our own export. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  return rows;
}
