import fs from 'node:fs';
import path from 'node:path';
import type { RouterOutputs } from '@retain/api';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, chromiumAvailable, launchBrowser, screenshot } from './support/browser.ts';
import { a11yViolations, apiQuery, type Caller, signIn, waitFor } from './support/dashboard.ts';
import { type RetainServer, type RetainUser, startRetain } from './support/retainServer.ts';

type Models = RouterOutputs['model']['list'];
type Role = RetainUser['role'];

const USERS: Record<Role, RetainUser> = {
  admin: { username: 'ada', role: 'admin', password: 'ada-password-1' },
  executive: { username: 'erin', role: 'executive', password: 'erin-password-1' },
  analyst: { username: 'alan', role: 'analyst', password: 'alan-password-1' },
  retention: { username: 'rita', role: 'retention', password: 'rita-password-1' },
};

/** Every page of the dashboard (a role without access gets the "not available" page there). */
const PAGES = [
  '/',
  '/cohorts',
  '/repeat',
  '/complaints',
  '/at-risk',
  '/model',
  '/sql',
  '/data',
  '/users',
  '/audit',
] as const;

const PHONE = { width: 400, height: 860 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * The dashboard on a 400 px wide phone, for every role on every page: nothing is wider than the
 * screen (tables and the heatmap scroll inside their cards), the navigation folds into a menu
 * button, KPI tiles stack and charts fit. Also axe-core on every page in light and dark themes, on
 * a desktop and on the phone. Widths and axe results are written to test/artifacts.
 */
describe.skipIf(!chromiumAvailable)('dashboard on a phone, and accessibility of every page', () => {
  let server: RetainServer;
  let browser: Browser;
  const callers = {} as Record<Role, Caller>;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startRetain({ customers: 2000, env: { RETAIN_AUTH: 'on' }, users: Object.values(USERS) }),
      launchBrowser(),
    ]);
    for (const user of Object.values(USERS))
      callers[user.role] = await signIn(server, user.username, user.password);
    // The at-risk list and the model page show what the first model (trained at start-up) scored.
    await waitFor(
      async () =>
        (await apiQuery<Models>(server, 'model.list', undefined, callers.admin)).length > 0
          ? true
          : undefined,
      240_000,
      'the first model',
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A browser signed in as `role` (the session cookie of an HTTP sign-in), at a viewport size. */
  async function contextFor(
    role: Role,
    viewport: { width: number; height: number },
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<BrowserContext> {
    const context = await browser.newContext({
      viewport,
      colorScheme,
      locale: 'en-US',
      acceptDownloads: true,
    });
    const [name, value] = (callers[role].cookie ?? '').split('=');
    await context.addCookies([{ name: name ?? '', value: value ?? '', url: server.url }]);
    return context;
  }

  /** Opens a page and waits until it has drawn everything: charts below the fold included. */
  async function openSettled(page: Page, at: string): Promise<void> {
    await page.goto(`${server.url}${at}`);
    await page.locator('#page-title').waitFor();
    // Charts are drawn as they come near the viewport: walk down the page a screen at a time,
    // letting each position render (two frames) so that every chart is seen, until nothing is
    // left loading (the page grows as its data arrives, so each walk measures it again).
    await waitFor(
      async () => {
        for (let y = 0; y <= (await page.evaluate(() => document.documentElement.scrollHeight)); y += 500)
          await page.evaluate(async (top) => {
            window.scrollTo(0, top);
            await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
          }, y);
        return (await page.locator('main .skeleton, main [aria-busy=true]').count()) === 0 ? true : undefined;
      },
      60_000,
      `${at} to finish loading`,
    );
    await page.evaluate(() => window.scrollTo(0, 0));
  }

  const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  it('phones: every page of every role fits 400 px; tables and the heatmap scroll inside their cards', async () => {
    const widths: Record<string, Record<string, number>> = {};
    for (const role of Object.keys(USERS) as Role[]) {
      const context = await contextFor(role, PHONE);
      const page = await context.newPage();
      widths[role] = {};
      for (const at of PAGES) {
        await openSettled(page, at);
        const width = await pageWidth(page);
        (widths[role] as Record<string, number>)[at] = width;
        if (role === 'admin')
          await screenshot(page, `phone${at === '/' ? '-overview' : at.replace('/', '-')}`);
      }
      await context.close();
    }
    // The sign-in page, before anyone is signed in.
    const anonymous = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    const login = await anonymous.newPage();
    await login.goto(`${server.url}/`);
    await login.getByTestId('login-page').waitFor();
    widths.signedOut = { '/login': await pageWidth(login) };
    await screenshot(login, 'phone-login');
    await anonymous.close();

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'phone-widths.json'), `${JSON.stringify(widths, null, 2)}\n`);
    const tooWide = Object.entries(widths).flatMap(([role, pages]) =>
      Object.entries(pages)
        .filter(([, width]) => width > PHONE.width)
        .map(([at, width]) => `${role} ${at}: ${width} px`),
    );
    expect(tooWide).toEqual([]);
  }, 600_000);

  it('phones: a menu button opens and closes the navigation, by keyboard too, and a link closes it', async () => {
    const context = await contextFor('analyst', PHONE);
    const page = await context.newPage();
    await openSettled(page, '/');
    const button = page.getByTestId('menu-button');
    const nav = page.locator('nav[aria-label=Pages]');
    expect(await button.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);
    // The top bar is a bar, not half the screen.
    const bar = await page.locator('.sidebar').boundingBox();
    expect(bar?.height ?? 0).toBeLessThan(80);

    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await nav.isVisible()).toBe(true);
    await screenshot(page, 'phone-menu-open', { fullPage: false });
    // Escape closes it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    expect(await nav.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'menu-button',
    );

    // Keyboard only: Enter opens, Tab reaches the links, Enter follows one, and the menu closes.
    await page.keyboard.press('Enter');
    expect(await nav.isVisible()).toBe(true);
    await page.keyboard.press('Tab'); // Overview
    await page.keyboard.press('Tab'); // Cohorts
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cohorts');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/cohorts');
    expect(await nav.isVisible()).toBe(false);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await context.close();
  });

  it('phones: KPI tiles stack, filters wrap, charts fit their cards, the heatmap scrolls in its card', async () => {
    const context = await contextFor('executive', PHONE);
    const page = await context.newPage();
    await openSettled(page, '/');
    const tiles = await page.locator('.tiles > .kpi').evaluateAll((els) =>
      els.map((el) => {
        const box = el.getBoundingClientRect();
        return { left: Math.round(box.left), right: Math.round(box.right) };
      }),
    );
    expect(tiles.length).toBeGreaterThanOrEqual(8);
    // One column: every tile starts at the same x and ends inside the screen.
    expect(new Set(tiles.map((t) => t.left)).size).toBe(1);
    expect(Math.max(...tiles.map((t) => t.right))).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'phone-overview-top', { fullPage: false });

    const overflowing = (selector: string) =>
      page
        .locator(selector)
        .evaluateAll((els) =>
          els
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
        );
    expect(await overflowing('.filters, .filters > *')).toEqual([]);
    expect(await overflowing('.recharts-surface, .card')).toEqual([]);

    await openSettled(page, '/cohorts');
    const scroll = page.locator('.heatmap-scroll');
    const box = await scroll.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
    // The matrix is wider than the phone, and scrolls inside its card instead of widening the page.
    expect(box.scroll).toBeGreaterThan(box.client);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await scroll.evaluate((el) => el.scrollBy(300, 0));
    expect(await scroll.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await scroll.evaluate((el) => el.scrollTo(0, 0));
    await page.getByTestId('heatmap').scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-cohorts-top', { fullPage: false });
    expect(await overflowing('.recharts-surface, .card, .filters > *')).toEqual([]);
    await context.close();
  });

  it('desktop: the navigation stays in the sidebar, without a menu button', async () => {
    const context = await contextFor('admin', DESKTOP);
    const page = await context.newPage();
    await openSettled(page, '/');
    expect(await page.getByTestId('menu-button').isVisible()).toBe(false);
    expect(await page.locator('nav[aria-label=Pages]').isVisible()).toBe(true);
    const sidebar = await page.locator('.sidebar').boundingBox();
    expect(sidebar?.width).toBe(200);
    // The README's screenshots of the overview and the at-risk list, at 1280 × 800.
    await screenshot(page, 'desktop-overview', { fullPage: false });
    await openSettled(page, '/at-risk');
    await screenshot(page, 'desktop-at-risk', { fullPage: false });
    await context.close();
  });

  it('accessibility: axe-core on every page, light and dark, desktop and phone: nothing serious or critical', async () => {
    const results: Record<string, Record<string, string[]>> = {};
    const variants = [
      { name: 'desktop light', viewport: DESKTOP, colorScheme: 'light' },
      { name: 'desktop dark', viewport: DESKTOP, colorScheme: 'dark' },
      { name: 'phone light', viewport: PHONE, colorScheme: 'light' },
      { name: 'phone dark', viewport: PHONE, colorScheme: 'dark' },
    ] as const;
    for (const variant of variants) {
      const context = await contextFor('admin', variant.viewport, variant.colorScheme);
      const page = await context.newPage();
      const found: Record<string, string[]> = {};
      for (const at of PAGES) {
        await openSettled(page, at);
        found[at] = await a11yViolations(page);
      }
      // The phone's open menu, too.
      if (variant.viewport === PHONE) {
        await page.getByTestId('menu-button').click();
        found['menu open'] = await a11yViolations(page);
      }
      results[variant.name] = found;
      await context.close();
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'axe-results.json'), `${JSON.stringify(results, null, 2)}\n`);
    // Every violation is written down; none may be serious or critical.
    const problems = Object.entries(results).flatMap(([variant, pages]) =>
      Object.entries(pages).flatMap(([at, found]) =>
        found.filter((v) => /^(serious|critical) /.test(v)).map((v) => `${variant} ${at}: ${v}`),
      ),
    );
    expect(problems).toEqual([]);
  }, 900_000);
});
