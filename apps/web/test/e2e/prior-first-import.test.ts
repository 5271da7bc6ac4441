// @vitest-environment node
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailableReason, launchChromium, screenshot } from "./support/browser.js";
import { ensureWebBuilt } from "./support/build-web.js";
import { fixturesDir } from "./support/paths.js";
import { type RunningServer, startServer } from "./support/server.js";

// Without a browser the suite is skipped locally, but under CI=true it must run (and fails loudly).
const unavailable = process.env.CI === "true" ? null : browserUnavailableReason();
const suite = unavailable ? describe.skip : describe;
const suiteName = unavailable
  ? `first import, no LLM (skipped: ${unavailable})`
  : "first import of a new company, no rules, no history, no LLM: the built-in prior categorizes";

suite(suiteName, () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let companyId = "";

  beforeAll(async () => {
    await ensureWebBuilt();
    server = await startServer();
    const response = await fetch(`${server.url}/api/companies`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Fresh Co" }),
    });
    if (!response.ok) throw new Error(`POST /api/companies: ${response.status} ${await response.text()}`);
    companyId = ((await response.json()) as { id: string }).id;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    // Sign in and open the fresh company, as the app remembers them.
    await context.addInitScript(
      ([token, company]) => {
        window.localStorage.setItem("ledgerflow.token", token);
        window.localStorage.setItem("ledgerflow.company", company);
      },
      [server.token, companyId] as const,
    );
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  }, 60_000);

  it("uploads a US checking export: complete, with rows categorized and journal entries created", async () => {
    await page.goto(`${server.url}/transactions`);
    await page.getByRole("heading", { name: "Transactions" }).waitFor();
    const file = path.join(fixturesDir, "us-checking-everyday.csv");
    await page.locator('input[type="file"]').setInputFiles(file);
    const card = page.getByRole("region", { name: `Importing ${path.basename(file)}` }).first();
    await card
      .getByRole("status")
      .filter({ hasText: /^Complete$/ })
      .waitFor({ timeout: 30_000 });
    const summary = card.locator("dl");
    const value = async (label: string) =>
      Number(
        (await summary.getByText(label, { exact: true }).locator("xpath=../dd").textContent())?.replace(
          /,/g,
          "",
        ),
      );
    expect(await value("Transactions imported")).toBe(20);
    const categorized = await value("Categorized");
    expect(categorized).toBeGreaterThanOrEqual(14);
    expect(await value("Journal entries created")).toBe(categorized);
    expect(await value("High confidence")).toBeGreaterThanOrEqual(12);
    expect(await value("By prior")).toBe(categorized);
    await screenshot(page, "prior-01-first-import-complete");
  });

  it("shows the stage and confidence per row, and the needs-review filter lists the unsure ones", async () => {
    await page.getByRole("button", { name: "All", exact: true }).click();
    const row = page.locator("tr", { hasText: "NETFLIX.COM" });
    await row.waitFor();
    expect(await row.getByText("Built-in model").count()).toBe(1);
    expect(
      await page.getByLabel("Account for NETFLIX.COM LOS GATOS CA").locator("option:checked").textContent(),
    ).toContain("Software & Subscriptions");
    await screenshot(page, "prior-02-table-stages");

    await page.getByRole("button", { name: "Needs review", exact: true }).click();
    const accept = page.getByRole("button", { name: /^Accept the suggested account for / }).first();
    await accept.waitFor();
    const statuses = await page
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(["needs_review"]));
    await screenshot(page, "prior-03-needs-review");

    // Accepting books the suggestion as the person's choice: it leaves the review list as "You".
    const before = statuses.length;
    await accept.click();
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 15_000 }).toBe(before - 1);
    const list = await fetch(`${server.url}/api/transactions?company_id=${companyId}&status=categorized`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    const { transactions } = (await list.json()) as { transactions: { source: string }[] };
    expect(transactions.filter((t) => t.source === "manual")).toHaveLength(1);
  });
});
