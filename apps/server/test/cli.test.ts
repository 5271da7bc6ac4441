import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCompany, createTenant, migrateToLatest, openBooksDb, verifyApiToken } from "@ledgerflow/books";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/start-process.js";

const BIN = path.join(REPO_ROOT, "apps/server/bin/ledgerflow.mjs");
const FIXTURE = path.join(REPO_ROOT, "apps/server/test/fixtures/small-bank.csv");
let dataDir: string;

function ledgerflow(...args: string[]) {
  const run = spawnSync("node", [BIN, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-cli-"));
  const db = openBooksDb({ url: path.join(dataDir, "ledgerflow.db") });
  await migrateToLatest(db);
  await createTenant(db, { id: "ten_cli", name: "CLI" });
  await createCompany(db, "ten_cli", { id: "co_cli", name: "CLI Ltd" });
  await db.destroy();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the ledgerflow CLI", () => {
  it("imports a CSV to completion and prints the job with its counts (--json)", () => {
    const run = ledgerflow("import", FIXTURE, "--company", "co_cli", "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout);
    expect(job).toMatchObject({ type: "upload_and_categorize", status: "complete", progress: 100 });
    expect(job.result).toMatchObject({ parsed: 8, inserted: 8 });

    const listed = JSON.parse(ledgerflow("jobs", "ls", "--json").stdout);
    expect(listed).toEqual([
      expect.objectContaining({ id: job.id, tenant_id: "ten_cli", status: "complete" }),
    ]);
    const shown = JSON.parse(ledgerflow("jobs", "show", job.id, "--json").stdout);
    expect(shown).toMatchObject({ id: job.id, result: { parsed: 8 } });
  });

  it("prints the preview and imports nothing when unsure of the columns, then imports with --map and remembers it", () => {
    const file = path.join(dataDir, "ambiguous.csv");
    writeFileSync(file, "05.01.2024;Coffee;3,50;\n06.01.2024;Salary;;2.100,00\n17.01.2024;Rent;700,00;\n");
    const asked = ledgerflow("import", file, "--company", "co_cli");
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain("not sure which columns are which, so nothing was imported yet");
    expect(asked.stdout).toMatch(/#0 +#1 +#2 +#3\n05\.01\.2024 +Coffee +3,50/);
    expect(asked.stdout).toContain("--map date=0,description=1,debit=2,credit=3");

    const bad = ledgerflow("import", file, "--company", "co_cli", "--map", "date=0,money=2");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--map: "money=2" is not role=column/);

    const mapped = ledgerflow(
      "import",
      file,
      "--company",
      "co_cli",
      "--map",
      "date=0,description=1,debit=3,credit=2",
    );
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(mapped.stdout).toMatch(/Done: parsed 3, inserted 3, duplicates 0/);
    expect(mapped.stdout).toContain("Sum of the file's transactions: -1,396.50");

    const next = path.join(dataDir, "ambiguous-feb.csv");
    writeFileSync(next, "01.02.2024;Bakery;4,20;\n02.02.2024;Refund;;12,00\n15.02.2024;Rent;700,00;\n");
    const remembered = ledgerflow("import", next, "--company", "co_cli");
    expect(remembered.code).toBe(0);
    expect(remembered.stdout).toContain("Using the mapping remembered for files of this shape.");
  });

  it("refuses to import for an unknown company with one clear line", () => {
    const run = ledgerflow("import", FIXTURE, "--company", "co_nope");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ledgerflow: No company co_nope/);
  });

  it("creates a tenant and prints its token once", () => {
    const run = ledgerflow("tenants", "create", "Acme", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      tenant_id: expect.any(String),
      name: "Acme",
      token: expect.stringMatching(/^lf_/),
    });
  });

  it("makes an operator token for an existing tenant, which verifies as an operator's", async () => {
    const run = ledgerflow("tenants", "operator-token", "ten_cli", "--json");
    expect(run.code).toBe(0);
    const { token, tenant_id } = JSON.parse(run.stdout) as { token: string; tenant_id: string };
    expect(tenant_id).toBe("ten_cli");
    const db = openBooksDb({ url: path.join(dataDir, "ledgerflow.db") });
    try {
      expect(await verifyApiToken(db, token)).toMatchObject({ tenantId: "ten_cli", operator: true });
    } finally {
      await db.destroy();
    }
    const unknown = ledgerflow("tenants", "operator-token", "ten_nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no tenant ten_nobody");
  });

  it("creates a tenant whose first token is an operator's with --operator", () => {
    const run = ledgerflow("tenants", "create", "Ops", "--operator", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: "Ops", operator: true });
  });

  it("prints usage for --help and fails on an unknown command", () => {
    expect(ledgerflow("--help").stdout).toContain("import FILE --company ID");
    const bad = ledgerflow("frobnicate");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });
});
