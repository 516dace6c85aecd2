import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../dev/local-settings.js';

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`) through playwright-core,
 * which downloads no browser of its own. Where no Chromium is found they are skipped with a
 * printed reason, except in CI (CI=true) or with WEQS_REQUIRE_BROWSER=1, where that is a failure.
 */
const candidates = [process.env.WEQS_CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath = candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
export const browserRequired = process.env.CI === 'true' || process.env.WEQS_REQUIRE_BROWSER === '1';
export const runBrowserTests = chromiumPath !== undefined || browserRequired;

if (!runBrowserTests) {
  console.warn(
    'SKIPPED: the console browser tests need Chromium and none was found (looked for WEQS_CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome). Install it with `apt-get install chromium`; CI=true or WEQS_REQUIRE_BROWSER=1 makes this a failure.',
  );
}

export const screenshotDirectory = join(projectRoot, 'test-results', 'console');

export async function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error('No Chromium found: install it with `apt-get install chromium` or set WEQS_CHROMIUM_PATH (required in CI).');
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      // Tests run as root in CI containers, where Chromium's own sandbox cannot start.
      '--no-sandbox',
      // Nothing may leave the machine: every host name but loopback fails to resolve, so links to
      // the tenant's SharePoint are never followed and Chromium's own services stay silent.
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** The emulator's certificate comes from the local CA, which Chromium's store does not hold. */
export function newConsoleContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1600, height: 1000 }, locale: 'en-GB', timezoneId: 'Europe/London' });
}

/** Runs a test step and, if it fails, keeps a full-page screenshot in test-results/console. */
export async function withScreenshotOnFailure<T>(page: Page, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await mkdir(screenshotDirectory, { recursive: true });
    const path = join(screenshotDirectory, `${name.replace(/[^a-z0-9-]+/gi, '-')}-failure.png`);
    await page.screenshot({ path, fullPage: true }).catch(() => undefined);
    console.error(`Screenshot of the failure: ${path}`);
    throw error;
  }
}
