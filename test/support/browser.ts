import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './retainServer.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts');

/** Debian's Chromium is what this project tests with; without it browser tests are skipped. */
export const chromiumAvailable = fs.existsSync(CHROMIUM);
if (!chromiumAvailable)
  console.warn(`skipping browser tests: no Chromium at ${CHROMIUM} (.ci/run installs it with apt-get)`);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
}

export async function newPage(
  browser: Browser,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
    locale: 'en-US',
  });
  return context.newPage();
}

/** The two screens browser tests look at: a desktop and a 400 px wide phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 860 },
  phone: { width: 400, height: 860 },
} as const;
export type Viewport = keyof typeof VIEWPORTS;

/** A page in a context of its own for each of VIEWPORTS (en-US, downloads accepted). */
export async function pagesByViewport(browser: Browser): Promise<Record<Viewport, Page>> {
  const open = async (viewport: Viewport) => {
    const context = await browser.newContext({
      viewport: VIEWPORTS[viewport],
      locale: 'en-US',
      acceptDownloads: true,
    });
    return context.newPage();
  };
  return { desktop: await open('desktop'), phone: await open('phone') };
}

export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}
