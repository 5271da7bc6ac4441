// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailableReason, launchChromium } from "./support/browser.js";
import { ensureWebBuilt } from "./support/build-web.js";
import { repoRoot } from "./support/paths.js";
import { type RunningServer, startServer } from "./support/server.js";

const unavailable = process.env.CI === "true" ? null : browserUnavailableReason();
const suite = unavailable ? describe.skip : describe;
const suiteName = unavailable
  ? `browser: the import's mapping step (skipped: ${unavailable})`
  : "browser: the import's mapping step, on the real server";

/** The screenshots docs/books/csv-import.md shows. */
const docsImages = path.join(repoRoot, "docs/books/img");

// No header, money in (column 3) before money out (column 4), no balance: the server cannot know.
const AMBIGUOUS = [
  "02.01.2024;SEPA Gutschrift Gehalt ACME GmbH;3.250,00;",
  "03.01.2024;Miete Januar Hausverwaltung Krause;;1.150,00",
  "05.01.2024;REWE Markt Berlin Kartenzahlung;;54,20",
  "08.01.2024;Stadtwerke Strom Abschlag;;86,00",
  "12.01.2024;Erstattung Krankenkasse;42,80;",
  "15.01.2024;Deutsche Bahn Ticket;;29,90",
  "19.01.2024;Bäckerei Schmidt;;6,40",
  "23.01.2024;Zinsen;0,12;",
].join("\n");
const OURS = new Set(
  [AMBIGUOUS, "01.02.2024;Miete Februar;;1.150,00\n02.02.2024;Gehalt;3.250,00;\n09.02.2024;Kiosk;;3,50"]
    .join("\n")
    .split("\n")
    .map((line) => line.split(";")[1]),
);
const NEXT_MONTH =
  "01.02.2024;Miete Februar;;1.150,00\n02.02.2024;Gehalt;3.250,00;\n09.02.2024;Kiosk;;3,50\n";

suite(suiteName, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let scratch: string;

  const transactions = async () => {
    const res = await fetch(`${server.url}/api/transactions?company_id=${server.companyId}&limit=200`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    const body = (await res.json()) as { transactions: { description: string; amount_cents: number }[] };
    // The demo company comes with transactions of its own: only the rows of these files count.
    return body.transactions.filter((t) => OURS.has(t.description));
  };

  const upload = async (name: string, text: string) => {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    await page.locator('input[type="file"]').setInputFiles(file);
  };

  const waitForImport = async (name: string) => {
    const card = page.getByRole("region", { name: `Importing ${name}` }).first();
    await card
      .getByRole("status")
      .filter({ hasText: /^Complete$/ })
      .waitFor({ timeout: 30_000 });
    return card;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), "ledgerflow-mapping-"));
    mkdirSync(docsImages, { recursive: true });
    await ensureWebBuilt();
    server = await startServer();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 980 } });
    page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("API token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Transactions" }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it("shows the mapping step over the real rows when the file is ambiguous, and imports nothing yet", async () => {
    await upload("konto-januar.csv", AMBIGUOUS);
    const step = page.getByRole("region", { name: "Which column is which in konto-januar.csv?" });
    await step.waitFor();
    await expect.poll(() => step.getByRole("row").count()).toBe(9);
    expect(await step.getByText("nothing in the file decides between them").count()).toBe(1);
    expect(await step.getByRole("combobox", { name: "Money out", exact: true }).inputValue()).toBe("2");
    expect(await transactions()).toEqual([]);
    await step.scrollIntoViewIfNeeded();
    await step.screenshot({ path: path.join(docsImages, "mapping-step.png") });
  });

  it("imports with the columns chosen in the dropdowns, money in and out the right way round", async () => {
    const step = page.getByRole("region", { name: "Which column is which in konto-januar.csv?" });
    await step.getByRole("combobox", { name: "Money out", exact: true }).selectOption("3");
    await step.getByRole("combobox", { name: "Money in", exact: true }).selectOption("2");
    await step.getByRole("combobox", { name: "Description", exact: true }).selectOption("1");
    expect(await step.locator("th[data-role]").allTextContents()).toEqual([
      "DateColumn 1",
      "DescriptionColumn 2",
      "Money inColumn 3",
      "Money outColumn 4",
    ]);
    await step.screenshot({ path: path.join(docsImages, "mapping-chosen.png") });
    await step.getByRole("button", { name: "Import with these columns" }).click();
    await waitForImport("konto-januar.csv");
    expect(await step.count()).toBe(0);
    const rows = await transactions();
    expect(rows).toHaveLength(8);
    const amount = (text: string) => rows.find((r) => r.description.includes(text))?.amount_cents;
    expect(amount("Gehalt")).toBe(325000);
    expect(amount("Miete")).toBe(-115000);
    expect(rows.reduce((sum, r) => sum + r.amount_cents, 0)).toBe(196642);
    await page.screenshot({ path: path.join(docsImages, "mapping-imported.png") });
  });

  it("imports the next file of the same shape with no question (the mapping is remembered)", async () => {
    await upload("konto-februar.csv", NEXT_MONTH);
    await waitForImport("konto-februar.csv");
    expect(await page.getByRole("region", { name: /Which column is which/ }).count()).toBe(0);
    const rows = await transactions();
    expect(rows.find((r) => r.description === "Miete Februar")?.amount_cents).toBe(-115000);
  });
});
