import path from 'node:path';
import type { RouterOutputs } from '@retain/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, chromiumAvailable, launchBrowser, newPage, screenshot } from './support/browser.ts';
import { apiQuery, type Caller, en, seriousA11yViolations, signIn, waitFor } from './support/dashboard.ts';
import { type RetainServer, type RetainUser, startRetain } from './support/retainServer.ts';

type CallList = RouterOutputs['atRisk']['list'];
type Models = RouterOutputs['model']['list'];
type Outcomes = RouterOutputs['atRisk']['outcomes'];
type Users = RouterOutputs['users']['list'];

const ADMIN: RetainUser = { username: 'ada', role: 'admin', password: 'ada-password-1' };
const EXECUTIVE: RetainUser = { username: 'erin', role: 'executive', password: 'erin-password-1' };
const CALLER: RetainUser = { username: 'rita', role: 'retention', password: 'rita-password-1' };

/**
 * Sign-in and roles against a server that requires them (RETAIN_AUTH=on), users made with
 * `retain users add` beforehand: the login page, what each role sees, a session that ends, the
 * retention team's call outcomes and filters, and the admin's Users and Audit pages.
 */
describe.skipIf(!chromiumAvailable)('dashboard: sign-in and roles', () => {
  let server: RetainServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startRetain({ customers: 2000, env: { RETAIN_AUTH: 'on' }, users: [ADMIN, EXECUTIVE, CALLER] }), // added in this order
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const url = (page: Page) => new URL(page.url());
  const nav = (page: Page) => page.locator('nav[aria-label=Pages] a').allTextContents();

  async function signInWithForm(page: Page, user: RetainUser, password = user.password): Promise<void> {
    await page.getByTestId('login-username').fill(user.username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-password').press('Enter');
  }

  /** A fresh browser (no cookie) signed in as `user` from the login page, landing on `at`. */
  async function signedIn(user: RetainUser, at = '/'): Promise<Page> {
    const page = await newPage(browser);
    await page.goto(`${server.url}${at}`);
    await page.getByTestId('login-page').waitFor();
    await signInWithForm(page, user);
    await page.getByTestId('viewer').waitFor();
    return page;
  }

  it('sign-in: the login page says why a wrong password failed; the right one opens the overview', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-page').waitFor();
    expect(url(page).pathname).toBe('/login');
    expect(await page.title()).toBe('Sign in · Retain');
    // The user name field has focus: the form is usable from the keyboard alone.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-username');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'login', { fullPage: false });
    await page.screenshot({ path: path.join(ARTIFACTS, 'login-card.png'), clip: LOGIN_CLIP });

    await signInWithForm(page, ADMIN, 'not-the-password');
    await expect
      .poll(() => page.getByTestId('login-error').textContent())
      .toBe('Wrong user name or password.');
    expect(url(page).pathname).toBe('/login');

    await signInWithForm(page, ADMIN);
    await page.getByTestId('kpi-activeCustomers-value').waitFor();
    expect(url(page).pathname).toBe('/');
    expect(await page.getByTestId('viewer-name').textContent()).toBe('ada');
    expect(await page.getByTestId('viewer-role').textContent()).toBe('Admin');
    expect(await page.getByTestId('demo-banner').count()).toBe(0);
    expect(await nav(page)).toEqual([
      'Overview',
      'Cohorts',
      'Repeat purchase',
      'Complaints & returns',
      'At risk',
      'Program',
      'Model',
      'SQL',
      'Data',
      'Users',
      'Audit log',
      'Alerts',
    ]);
    await page.context().close();
  });

  it('sign-in returns to the page a link pointed at, with its filters', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/cohorts?period=week`);
    await page.getByTestId('login-page').waitFor();
    expect(url(page).searchParams.get('next')).toBe('/cohorts?period=week');
    await signInWithForm(page, EXECUTIVE);
    await page.locator('[data-testid=heatmap] button').first().waitFor();
    expect(url(page).pathname + url(page).search).toBe('/cohorts?period=week');
    await page.context().close();
  });

  it('an executive sees only their pages, and "not available for your role" on the others', async () => {
    const page = await signedIn(EXECUTIVE);
    expect(await page.getByTestId('viewer-role').textContent()).toBe('Executive');
    expect(await nav(page)).toEqual([
      'Overview',
      'Cohorts',
      'Repeat purchase',
      'Complaints & returns',
      'Program',
      'Model',
      'Alerts',
    ]);
    for (const at of ['/sql', '/data', '/at-risk', '/users', '/audit']) {
      await page.goto(`${server.url}${at}`);
      const state = page.getByTestId('not-available');
      await state.waitFor();
      expect(await state.textContent(), at).toContain('Not available for your role');
      expect(await page.locator('.error-state').count(), at).toBe(0);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
    // The model page is theirs, without the analysts' "Train now".
    await page.goto(`${server.url}/model`);
    await page.getByTestId('train-card').waitFor();
    expect(await page.getByTestId('train-button').count()).toBe(0);
    await page.context().close();
  });

  it('a session that ends shows the sign-in page, and signing in again returns to the page', async () => {
    const page = await signedIn(EXECUTIVE);
    await page.getByTestId('kpi-activeCustomers-value').waitFor();
    // As if the session expired: the next call the dashboard makes is refused (401).
    await page.context().clearCookies();
    await page.getByRole('link', { name: 'Repeat purchase' }).click();
    await page.getByTestId('login-page').waitFor();
    expect(url(page).searchParams.get('next')).toBe('/repeat');
    await signInWithForm(page, EXECUTIVE);
    await page.getByTestId('repeat-rate').waitFor();
    expect(url(page).pathname).toBe('/repeat');
    await page.context().close();
  });

  it('retention: records a call outcome from the customer panel; "do not call" takes them off the list', async () => {
    const caller: Caller = await signIn(server, CALLER.username, CALLER.password);
    await waitFor(
      async () =>
        (await apiQuery<Models>(server, 'model.list', undefined, caller)).length > 0 ? true : undefined,
      240_000,
      'the first model',
    );
    // The whole list of customers with a phone (the page starts from a week's calls).
    const page = await signedIn(CALLER, '/at-risk?capacity=all');
    expect(await nav(page)).toEqual([
      'Overview',
      'Cohorts',
      'Repeat purchase',
      'Complaints & returns',
      'At risk',
      'Program',
      'Model',
      'Alerts',
    ]);
    const before = await apiQuery<CallList>(
      server,
      'atRisk.list',
      { hasPhone: true, offset: 0, limit: 2 },
      caller,
    );
    const [first, second] = before.rows;
    if (!first || !second) throw new Error('too few customers to call');
    const row = page.locator(`[data-testid=call-list] [data-key="${first.customerId}"]`);
    await row.click();
    const panel = page.getByTestId('customer-panel');
    await panel.getByTestId('record-outcome').waitFor();

    await panel.getByRole('radio', { name: 'No answer' }).check();
    await panel.getByTestId('outcome-note').fill('Rang twice, voicemail full');
    await panel.getByTestId('record-outcome-submit').click();
    await expect
      .poll(() => panel.getByTestId('record-outcome-status').textContent())
      .toBe('Recorded: No answer.');
    await expect
      .poll(() => panel.getByTestId('panel-contacts').textContent())
      .toContain('No answer — Rang twice, voicemail full (rita)');
    const stored = await apiQuery<Outcomes>(
      server,
      'atRisk.outcomes',
      { customerId: first.customerId },
      caller,
    );
    expect(stored[0]).toMatchObject({
      outcome: 'no_answer',
      note: 'Rang twice, voicemail full',
      recordedBy: 'rita',
    });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await panel.getByRole('radio', { name: 'Do not call' }).check();
    await panel.getByTestId('record-outcome-submit').click();
    await expect
      .poll(() => panel.getByTestId('record-outcome-status').textContent())
      .toContain('off the call list');
    await page.keyboard.press('Escape');
    // The list is fetched again: they are gone, the next customer leads, one fewer to call.
    await expect
      .poll(() => page.locator('[data-testid=call-list] [data-index="0"][data-key]').getAttribute('data-key'))
      .toBe(second.customerId);
    await expect
      .poll(() => page.getByTestId('at-risk-summary').textContent())
      .toContain(`${en(before.summary.listed - 1)} eligible customers to call`);
    await page.context().close();
  });

  it('retention: the open-complaint filter changes the URL and the rows', async () => {
    const caller = await signIn(server, CALLER.username, CALLER.password);
    const page = await signedIn(CALLER, '/at-risk?capacity=all');
    const firstRow = page.locator('[data-testid=call-list] [data-index="0"][data-key]');
    await firstRow.waitFor();
    const all = await apiQuery<CallList>(
      server,
      'atRisk.list',
      { hasPhone: true, offset: 0, limit: 1 },
      caller,
    );
    const open = await apiQuery<CallList>(
      server,
      'atRisk.list',
      { hasPhone: true, hasOpenComplaint: true, offset: 0, limit: 1 },
      caller,
    );
    expect(open.summary.listed).toBeLessThan(all.summary.listed);
    await page.getByTestId('filter-complaint').selectOption('open');
    await expect.poll(() => url(page).searchParams.get('complaint')).toBe('open');
    await expect
      .poll(() => page.getByTestId('at-risk-summary').textContent())
      .toContain(`${en(open.summary.listed)} eligible customers to call`);
    await expect.poll(() => firstRow.getAttribute('data-key')).toBe(open.rows[0]?.customerId);
    // Every listed customer has an open complaint.
    const complaints = await page
      .locator('[data-testid=call-list] [data-key] [role=cell]:nth-child(8)')
      .allTextContents();
    expect(complaints.length).toBeGreaterThan(0);
    for (const cell of complaints) expect(cell).toMatch(/open$/);
    await page.context().close();
  });

  it('admin: adds a user on the Users page, and the audit log shows it', async () => {
    const admin = await signIn(server, ADMIN.username, ADMIN.password);
    const page = await signedIn(ADMIN, '/users');
    await page.getByTestId('users-table').waitFor();
    expect(await page.locator('[data-testid=users-table] tbody tr').count()).toBe(3);
    await page.getByTestId('new-username').fill('nora');
    await page.getByTestId('new-role').selectOption('analyst');
    await page.getByTestId('new-password').fill('nora-password-1');
    await page.getByTestId('add-user-submit').click();
    await expect.poll(() => page.getByTestId('add-user-status').textContent()).toBe('Added nora as Analyst.');
    const added = page.locator('[data-testid=users-table] tr[data-user=nora]');
    await added.waitFor();
    expect(await added.locator('td').first().textContent()).toBe('Analyst');
    const users = await apiQuery<Users>(server, 'users.list', undefined, admin);
    expect(users.map((u) => [u.username, u.role])).toContainEqual(['nora', 'analyst']);
    // A duplicate is refused with the server's reason.
    await page.getByTestId('new-username').fill('nora');
    await page.getByTestId('new-password').fill('nora-password-2');
    await page.getByTestId('add-user-submit').click();
    await expect.poll(() => page.getByTestId('add-user-error').textContent()).toContain('already exists');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByTestId('audit-table').waitFor();
    await page.getByTestId('audit-action').selectOption('user-add');
    await expect.poll(() => url(page).searchParams.get('action')).toBe('user-add');
    await expect
      .poll(() => page.locator('[data-testid=audit-table] tbody tr').allTextContents())
      .toEqual([
        // Newest first: ada's addition here, then the test's own users, added with `retain users add`.
        expect.stringMatching(/adaAdded a useruser: nora · role: analyst$/),
        ...[CALLER, EXECUTIVE, ADMIN].map((u) =>
          expect.stringMatching(new RegExp(`via: cli .*user: ${u.username} · role: ${u.role}$`)),
        ),
      ]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('sign-out returns to the login page, and the dashboard stays closed', async () => {
    const page = await signedIn(ADMIN);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-page').waitFor();
    expect(url(page).pathname).toBe('/login');
    await page.goto(`${server.url}/data`);
    await page.getByTestId('login-page').waitFor();
    expect(url(page).searchParams.get('next')).toBe('/data');
    await page.context().close();
  });

  it('after repeated failures the login page shows the server’s wait', async () => {
    // Last in the file: the limit counts failures per address, and every browser here shares one.
    const page = await newPage(browser);
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-page').waitFor();
    const error = page.getByTestId('login-error');
    for (let attempt = 0; attempt < 6; attempt++) {
      await signInWithForm(page, { ...EXECUTIVE, username: 'mallory' }, `guess-${attempt}-guess`);
      await expect.poll(() => page.getByTestId('login-submit').isEnabled()).toBe(true);
      if ((await error.textContent())?.startsWith('Too many')) break;
    }
    expect(await error.textContent()).toMatch(/^Too many failed sign-ins; try again in \d+ min\.$/);
    await page.context().close();
  });
});

/** The sign-in card alone (docs/login.png is a copy of it). */
const LOGIN_CLIP = { x: 420, y: 180, width: 440, height: 500 };
