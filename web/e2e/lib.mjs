// Helpers for browser end-to-end tests: the real humas server (see tests/integration/lib.mjs)
// serving the built web client, and Debian's Chromium driven by playwright-core (no browser
// download).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export * from '../../tests/integration/lib.mjs';
import { PASSWORD } from '../../tests/integration/lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = process.env.HUMAS_WEB_DIR || resolve(here, '..', 'dist');
export const SCREENSHOT_DIR = process.env.HUMAS_E2E_SCREENSHOTS || '';

/** Launches headless Chromium with a fresh profile; returns { browser, close() }. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'humas-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'id-ID',
    timezoneId: 'Asia/Makassar',
    viewport: { width: 1366, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot when HUMAS_E2E_SCREENSHOTS names a folder (for looking at the UI). */
export async function snap(page, name) {
  if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, name + '.png'), fullPage: true });
}

const byTestId = (id) => `[data-testid="${id}"]`;

/** Signs `username` in through the login form (password PASSWORD) and waits for the dashboard. */
export async function login(page, baseUrl, username, password = PASSWORD) {
  await page.goto(baseUrl + '/');
  await page.waitForSelector(byTestId('login-form'));
  await page.fill(byTestId('login-username'), username);
  await page.fill(byTestId('login-password'), password);
  await page.click(byTestId('login-submit'));
  await page.waitForSelector(byTestId('nav-dashboard'));
}

/** Signs out through the user menu. */
export async function logout(page) {
  await page.click(byTestId('user-menu'));
  await page.click(byTestId('logout'));
  await page.waitForSelector(byTestId('login-form'));
}
