// @vitest-environment node
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFindings, seriousAxeViolations } from "./support/axe.js";
import { browserUnavailableReason, launchChromium, screenshot } from "./support/browser.js";
import { ensureWebBuilt } from "./support/build-web.js";
import { fixturesDir } from "./support/paths.js";
import { type RunningServer, startServer } from "./support/server.js";

// Without a browser the suite is skipped locally, but under CI=true it must run (and fails loudly).
const unavailable = process.env.CI === "true" ? null : browserUnavailableReason();
const suite = unavailable ? describe.skip : describe;
const suiteName = unavailable
  ? `browser end-to-end, operator dashboard and axe (skipped: ${unavailable})`
  : "browser end-to-end: axe-core on every page, and the operator dashboard, real server on SQLite";

suite(suiteName, () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let operatorToken = "";
  let other = { tenantId: "", token: "" };
  let betaCompanyId = "";

  const api = async (token: string, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };

  const upload = async (token: string, companyId: string, name: string) => {
    const form = new FormData();
    form.set("company_id", companyId);
    form.set(
      "file",
      new File([readFileSync(path.join(fixturesDir, "bank-export.csv"))], name, { type: "text/csv" }),
    );
    const response = await fetch(`${server.url}/api/jobs/upload-and-categorize`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(response.status).toBe(202);
  };

  /** axe-core on the page as it is now: no serious or critical violation. */
  const expectAccessible = async (what: string) => {
    const findings = await seriousAxeViolations(page);
    expect(findings, `${what}:\n${describeFindings(findings)}`).toEqual([]);
  };

  const visit = async (link: string, heading: string) => {
    await page.getByRole("navigation").getByRole("link", { name: link }).click();
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    server = await startServer();
    const me = await api(server.token, "GET", "/api/me");
    operatorToken = server.createOperatorToken(String(me.tenant_id));
    other = server.createTenant("Beta Books");
    const company = await api(other.token, "POST", "/api/companies", { name: "Beta Ltd" });
    await upload(server.token, server.companyId, "january.csv");
    await upload(server.token, server.companyId, "february.csv");
    betaCompanyId = String(company.id);
    await upload(other.token, betaCompanyId, "beta-march.csv");
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  }, 60_000);

  it("every page of the app has no serious or critical axe-core violation (a tenant's token)", async () => {
    await page.goto(server.url);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await expectAccessible("sign-in");
    await page.getByLabel("API token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Transactions", level: 1 }).waitFor();
    await page.getByRole("table").first().waitFor();
    await expectAccessible("transactions");
    await visit("Background jobs", "Background jobs");
    await page.getByRole("heading", { name: "Schedules" }).waitFor();
    await expectAccessible("background jobs");
    // A tenant's token gets no operator view, and the operator routes refuse it.
    expect(await page.getByRole("button", { name: "Every tenant (operator)" }).count()).toBe(0);
    const refused = await fetch(`${server.url}/api/admin/jobs`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(refused.status).toBe(403);
    await visit("Rules", "Rules");
    await expectAccessible("rules");
    await visit("Journal", "Journal");
    await expectAccessible("journal");
  });

  it("an operator searches every tenant's jobs, pauses a task, bulk-cancels by filter and replays a job, from the keyboard", async () => {
    await page.evaluate((token) => window.localStorage.setItem("ledgerflow.token", token), operatorToken);
    await page.goto(`${server.url}/dashboard/background-jobs`);
    await page.getByRole("button", { name: "Every tenant (operator)" }).click();
    await page.getByRole("heading", { name: "Jobs of every tenant" }).waitFor();
    const table = page.getByRole("table", { name: /Jobs of every tenant/ });
    await table.getByRole("row").nth(3).waitFor();
    // Jobs of both tenants, each with its tenant.
    await expect.poll(() => table.getByText(other.tenantId).count()).toBeGreaterThan(0);
    await page.getByText(/^In the last hour: \d+ jobs completed/).waitFor();
    // The schedules below list every tenant's too: Beta Ltd's nightly schedule, labelled with its tenant.
    const schedules = page.getByRole("region", { name: "Schedules" });
    await expect.poll(() => schedules.getByText(`(tenant ${other.tenantId})`).count()).toBeGreaterThan(0);
    await expectAccessible("background jobs, operator view");
    await screenshot(page, "operator-01-charts-and-queues");

    // Pause categorize_transactions, then queue one: it waits as pending.
    await page.getByRole("button", { name: "Pause Categorize transactions" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Categorize transactions: paused." }).waitFor();
    // Workers re-read the paused tasks about once a second (the engine's documented delay).
    await page.waitForTimeout(1500);
    await api(server.token, "POST", "/api/jobs/categorize", { company_id: server.companyId });

    // Search by text in the input (the other tenant's company id), from the keyboard.
    const search = page.getByRole("searchbox", { name: "Search" });
    await search.fill(betaCompanyId);
    await search.press("Enter");
    await expect.poll(() => page.getByText("1 matching · 0 selected").count()).toBe(1);
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    expect(await table.getByRole("row").nth(1).textContent()).toContain(other.tenantId);
    await page.getByRole("button", { name: "Clear" }).click();

    // Filter pending, select all matching, cancel them as one bulk job, and watch its progress.
    await page.getByRole("checkbox", { name: "Pending" }).check();
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => page.getByText("1 matching · 0 selected").count()).toBe(1);
    await page.getByRole("checkbox", { name: "Select every job on this page" }).press("Space");
    await page.getByRole("button", { name: "Cancel selected" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByRole("button", { name: "Cancel 1 job", exact: true }).click();
    const card = page.getByRole("region", { name: "Bulk cancellation of 1 job" });
    await card.getByRole("progressbar").waitFor();
    await card.getByText("Job completed successfully!").waitFor({ timeout: 20_000 });
    await expect
      .poll(() => card.locator("dt", { hasText: "Succeeded" }).locator("+ dd").textContent())
      .toBe("1");
    await expectAccessible("operator view with a bulk job's progress");
    await screenshot(page, "operator-02-bulk-progress");
    await expect.poll(() => page.getByText("0 matching · 0 selected").count()).toBe(1);

    // Replay a complete upload: a new job of the same tenant.
    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByRole("checkbox", { name: "Complete" }).check();
    await page.getByRole("searchbox", { name: "Search" }).fill(betaCompanyId);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => page.getByText("1 matching · 0 selected").count()).toBe(1);
    await table.getByRole("button", { name: /^Replay job / }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^Replayed job_/ })
      .waitFor();
    // The replay is a second job of the same company in the other tenant; the list refreshes itself.
    await expect.poll(() => page.getByText("2 matching · 0 selected").count(), { timeout: 20_000 }).toBe(1);
    await table.getByRole("row").nth(2).waitFor();
    await page.getByRole("button", { name: /^Dismiss Bulk/ }).click();
    await screenshot(page, "operator-03-search-and-replay");

    // Resume the task again.
    await page.getByRole("button", { name: "Resume Categorize transactions" }).click();
    await page.getByRole("status").filter({ hasText: "Categorize transactions: resumed." }).waitFor();
    await expectAccessible("operator view after the actions");
  });
});
