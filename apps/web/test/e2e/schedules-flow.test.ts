// @vitest-environment node
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailableReason, launchChromium, screenshot } from "./support/browser.js";
import { ensureWebBuilt } from "./support/build-web.js";
import { type RunningServer, startServer } from "./support/server.js";

// Without a browser the suite is skipped locally, but under CI=true it must run (and fails loudly).
const unavailable = process.env.CI === "true" ? null : browserUnavailableReason();
const suite = unavailable ? describe.skip : describe;
const suiteName = unavailable
  ? `browser end-to-end, schedules (skipped: ${unavailable})`
  : "browser end-to-end: the nightly schedules on the dashboard, real server on SQLite";

interface WireSchedule {
  name: string;
  paused: boolean;
  timezone: string;
  next_fire_at: string | null;
  last_fire_at: string | null;
}

suite(suiteName, () => {
  let browser: Browser;
  const servers: RunningServer[] = [];

  const schedulesOf = async (server: RunningServer) => {
    const response = await fetch(`${server.url}/api/schedules`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { schedules: WireSchedule[] }).schedules;
  };

  const signIn = async (server: RunningServer): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("API token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    return page;
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
  }, 60_000);

  it("shows each company's nightly schedule with its next run, and pauses and resumes it from the keyboard", async () => {
    const server = await startServer();
    servers.push(server);
    // A second company in its own time zone: created with the company, at 03:00 there.
    const created = await fetch(`${server.url}/api/companies`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Brooklyn Bagels Inc", timezone: "America/New_York" }),
    });
    expect(created.status).toBe(201);

    const page = await signIn(server);
    await page.goto(`${server.url}/dashboard/background-jobs`);
    const section = page.getByRole("region", { name: "Schedules" });
    const demo = section.getByRole("row").filter({ hasText: "Demo Coffee Roasters LLC" });
    await demo.waitFor({ timeout: 15_000 });
    expect(await demo.textContent()).toContain("Every day at 03:00");
    expect(await demo.textContent()).toContain("UTC");
    expect(await demo.textContent()).toMatch(/in \d+ (h|min)/);
    expect(await demo.textContent()).toContain("Never");
    const bagels = section.getByRole("row").filter({ hasText: "Brooklyn Bagels Inc" });
    expect(await bagels.textContent()).toContain("America/New_York");
    // The next run is shown in the schedule's own zone, named: 03:00 in New York.
    expect(await bagels.locator("time").first().textContent()).toMatch(/, 03:00 GMT-[45]$/);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, "20-schedules");

    // Keyboard only: focus the button, Enter pauses, Space resumes; focus stays on the button.
    const pause = demo.getByRole("button", {
      name: "Pause Categorize what is new — Demo Coffee Roasters LLC",
    });
    await pause.focus();
    await page.keyboard.press("Enter");
    const resume = demo.getByRole("button", {
      name: "Resume Categorize what is new — Demo Coffee Roasters LLC",
    });
    await resume.waitFor();
    expect(await resume.evaluate((el) => el === document.activeElement)).toBe(true);
    await demo.getByText("Paused", { exact: true }).waitFor();
    expect(await demo.textContent()).toContain("None while paused");
    const paused = (await schedulesOf(server)).find((s) => s.name === "nightly:company-co_demo");
    expect(paused).toMatchObject({ paused: true, next_fire_at: null });
    await screenshot(page, "21-schedule-paused");

    await page.keyboard.press("Space");
    await demo.getByText("Active", { exact: true }).waitFor();
    const resumed = (await schedulesOf(server)).find((s) => s.name === "nightly:company-co_demo");
    expect(resumed?.paused).toBe(false);
    expect(Date.parse(resumed?.next_fire_at ?? "")).toBeGreaterThan(Date.now());
    // The other company's schedule was not touched.
    expect((await schedulesOf(server)).find((s) => s.timezone === "America/New_York")?.paused).toBe(false);
    await page.context().close();
  });

  it("fires in the real worker: a schedule due every few seconds shows its last run and its job", async () => {
    // Six fields (seconds first): due every 5 s, so the test sees a fire without waiting for 03:00.
    const server = await startServer({ NIGHTLY_CRON: "*/5 * * * * *" });
    servers.push(server);
    await expect
      .poll(async () => (await schedulesOf(server))[0]?.last_fire_at ?? null, { timeout: 20_000 })
      .not.toBeNull();
    const page = await signIn(server);
    await page.goto(`${server.url}/dashboard/background-jobs`);
    const demo = page
      .getByRole("region", { name: "Schedules" })
      .getByRole("row")
      .filter({ hasText: "Demo Coffee Roasters LLC" });
    await demo.waitFor({ timeout: 15_000 });
    expect(await demo.textContent()).not.toContain("Never");
    expect(await demo.textContent()).toMatch(/(less than a minute|\d+ min) ago/);
    // Its job is a categorize of the demo company, listed like any other.
    const jobs = page.getByRole("table").first();
    await jobs.getByText("Categorize transactions").first().waitFor({ timeout: 15_000 });
    await screenshot(page, "22-schedule-fired");
    await page.context().close();
  });
});
