import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouterOutputs } from '@retain/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, newPage } from './support/browser.ts';
import { apiQuery, signIn } from './support/dashboard.ts';
import { type RetainServer, type RetainUser, startRetain } from './support/retainServer.ts';

type Users = RouterOutputs['users']['list'];

const ADMIN: RetainUser = { username: 'ada', role: 'admin', password: 'ada-password-1' };

/** The fields an attacker's form sends: a user to add, in each encoding a form has. */
const FIELDS = { username: 'mallory', role: 'admin', password: 'mallory-password-1' };
const ENCTYPES = ['multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain'] as const;

/**
 * A page on another port of localhost (the same site, so Chromium sends the SameSite=Strict
 * session cookie along) with a form that posts to Retain. text/plain smuggles JSON: one field whose
 * name and value join into `{"username":…,"x":"="}`.
 */
function attackerPage(action: string, enctype: string): string {
  const inputs =
    enctype === 'text/plain'
      ? `<input type="hidden" name='${JSON.stringify({ ...FIELDS, x: '' }).slice(0, -2)}' value='"}'>`
      : Object.entries(FIELDS)
          .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
          .join('');
  return `<!doctype html><title>Win a prize</title><form method="post" action="${action}" enctype="${enctype}">${inputs}<button id="go">Claim</button></form>`;
}

/**
 * Cross-site request forgery in a real browser: a signed-in admin (and, in demo mode, anyone on
 * the machine) opens another page on localhost that posts forms to Retain. The forms arrive with
 * the admin's cookie and are refused; the admin stays signed in and no user is added.
 */
describe.skipIf(!chromiumAvailable)('dashboard: pages elsewhere cannot act for its users', () => {
  let server: RetainServer;
  let demo: RetainServer;
  let browser: Browser;
  let attacker: http.Server;
  let attackerUrl: string;

  beforeAll(async () => {
    attacker = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const page = attackerPage(url.searchParams.get('action') ?? '', url.searchParams.get('enctype') ?? '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}`;
    [server, demo, browser] = await Promise.all([
      startRetain({ customers: 300, env: { RETAIN_AUTH: 'on' }, users: [ADMIN] }),
      startRetain({ customers: 300 }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), demo?.stop()]);
    await new Promise((resolve) => attacker?.close(resolve));
  });

  /** Opens the attacker's page, submits its form, and returns what Retain answered and what it got. */
  async function submitForm(page: Page, action: string, enctype: string) {
    await page.goto(
      `${attackerUrl}/?action=${encodeURIComponent(action)}&enctype=${encodeURIComponent(enctype)}`,
    );
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === action),
      page.locator('#go').click(),
    ]);
    return { status: response.status(), sent: await response.request().allHeaders() };
  }

  it('refuses forms that a signed-in admin is lured into posting: no user added, nobody signed out', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-username').fill(ADMIN.username);
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('viewer').waitFor();

    for (const enctype of ENCTYPES) {
      for (const path of ['/trpc/users.add', '/trpc/auth.logout', '/upload?name=orders.csv']) {
        const { status, sent } = await submitForm(page, `${server.url}${path}`, enctype);
        // The browser did send the session cookie: SameSite=Strict does not stop a same-site page.
        expect(sent.cookie, `${path} ${enctype}`).toContain('retain_session=');
        expect(sent['sec-fetch-site']).toBe('same-site');
        expect([403, 415], `${path} ${enctype}`).toContain(status);
      }
    }

    await page.goto(`${server.url}/users`);
    await page.getByTestId('viewer').waitFor();
    expect(await page.getByTestId('viewer-name').textContent()).toBe('ada');
    const users = await apiQuery<Users>(
      server,
      'users.list',
      undefined,
      await signIn(server, ADMIN.username, ADMIN.password),
    );
    expect(users.map((u) => u.username)).toEqual(['ada']);
  });

  it('in demo mode, where everyone is admin, refuses the same forms', async () => {
    const page = await newPage(browser);
    for (const enctype of ENCTYPES) {
      for (const path of ['/trpc/users.add', '/trpc/model.train', '/upload?name=orders.csv']) {
        const { status, sent } = await submitForm(page, `${demo.url}${path}`, enctype);
        expect(sent.origin).toBe(attackerUrl);
        expect([403, 415], `${path} ${enctype}`).toContain(status);
      }
    }
    expect(await apiQuery<Users>(demo, 'users.list')).toEqual([]);
  });
});
