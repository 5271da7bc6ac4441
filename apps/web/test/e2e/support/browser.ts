import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { describeFindings, seriousAxeViolations } from "./axe.js";
import { screenshotDir } from "./paths.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or null when they can. Under CI a missing browser is a failure. */
export function browserUnavailableReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  return `no Chromium at ${CHROMIUM_PATH} (install Debian's: apt-get install chromium)`;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-dev-shm-usage",
    ],
  });
}

/**
 * The visible viewport (a long table would make a full-page shot unreadable). Every screenshot is
 * also an accessibility check: axe-core runs on the page as shown, and a serious or critical
 * violation fails the test with the rule and the elements at fault (issue 14: 0 on every page).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  const findings = await seriousAxeViolations(page);
  if (findings.length > 0) {
    throw new Error(
      `axe-core found serious or critical violations on "${name}":\n${describeFindings(findings)}`,
    );
  }
}
