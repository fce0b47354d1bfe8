import type { RouterInputs, RouterOutputs } from '@retain/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  launchBrowser,
  pagesByViewport,
  screenshot,
  type Viewport,
} from './support/browser.ts';
import { apiMutation, apiQuery, downloadText, en, parseCsv, waitFor } from './support/dashboard.ts';
import { type RetainServer, startRetain } from './support/retainServer.ts';

type CallList = RouterOutputs['atRisk']['list'];
type ListInput = RouterInputs['atRisk']['list'];
type Models = RouterOutputs['model']['list'];

/** What the page lists when nobody has chosen anything: a week's calls to customers with a phone. */
const DEFAULT_VIEW = { capacity: 200, hasPhone: true } as const;

/** Reasons that describe a customer rather than a change in what they do: never a reason to call. */
const NOT_A_REASON = /^(Signed up via|Lives in region|Customer for|No complaints$|No returns$|Low spend)/;

/**
 * The call list as a retention team meets it, on a desktop and on a 400 px phone: a week of calls
 * to customers who can be reached by default, "N of M eligible", refusals of a capacity of 0 or
 * −5 and of an impossible probability range beside their fields, a phone filter, the last call's
 * outcome and day in the list, "Champion, slipping" instead of "Champions", reasons that are true
 * warning signs, and an export with an E.164 column a dialler takes.
 */
describe.skipIf(!chromiumAvailable)('call lists a retention team can work from', () => {
  let server: RetainServer;
  let browser: Browser;
  let pages: Record<Viewport, Page>;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startRetain({ customers: 3000 }), launchBrowser()]);
    pages = await pagesByViewport(browser);
    await waitFor(
      async () => ((await apiQuery<Models>(server, 'model.list')).length > 0 ? true : undefined),
      240_000,
      'the first model',
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const list = (input: ListInput) => apiQuery<CallList>(server, 'atRisk.list', input);
  const params = (page: Page) => new URL(page.url()).searchParams;
  const row = (page: Page, index: number) =>
    page.locator(`[data-testid=call-list] [data-index="${index}"][data-key]`);
  const cellsOf = (page: Page, index: number) => row(page, index).locator('[role=cell]').allTextContents();

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`${viewport}: lists a week of calls to reachable customers, and says of how many eligible`, async () => {
      const page = pages[viewport];
      const everyone = await list({ limit: 1 });
      const week = await list({ ...DEFAULT_VIEW, limit: 1 });
      // The list the page showed before: every callable customer, thousands of them.
      expect(everyone.summary.listed).toBeGreaterThan(1000);
      expect(week.summary).toMatchObject({ listed: 200, cut: 'capacity', listedWithoutPhone: 0 });
      await page.goto(`${server.url}/at-risk`);
      await row(page, 0).waitFor();
      expect(await row(page, 0).getAttribute('data-key')).toBe(week.rows[0]?.customerId);
      const summary = page.getByTestId('at-risk-summary');
      expect(await page.getByTestId('at-risk-listed').textContent()).toBe('200');
      expect(await page.getByTestId('at-risk-eligible').textContent()).toBe(en(week.summary.eligible));
      expect(await summary.textContent()).toContain(
        `200 of ${en(week.summary.eligible)} eligible customers to call this week`,
      );
      expect(await summary.textContent()).toContain(
        `${en(week.summary.excludedNoPhone)} without a phone number to call`,
      );
      expect(await page.getByTestId('filter-capacity').inputValue()).toBe('200');
      expect(await page.getByTestId('filter-phone').inputValue()).toBe('');
      await screenshot(page, `call-lists-week-${viewport}`, { fullPage: false });
    });
  }

  it('desktop: "Show all" lists every eligible customer, and the capacity field empties', async () => {
    const page = pages.desktop;
    await page.goto(`${server.url}/at-risk`);
    await page.getByTestId('show-all').click();
    await expect.poll(() => params(page).get('capacity')).toBe('all');
    const all = await list({ hasPhone: true, limit: 1 });
    await expect.poll(() => page.getByTestId('at-risk-listed').textContent()).toBe(en(all.summary.listed));
    expect(await page.getByTestId('filter-capacity').inputValue()).toBe('');
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`${viewport}: refuses a capacity of 0 or −5 beside the field, and lists nobody until it is fixed`, async () => {
      const page = pages[viewport];
      await page.goto(`${server.url}/at-risk`);
      await row(page, 0).waitFor();
      const field = page.getByTestId('filter-capacity');
      for (const bad of ['0', '-5']) {
        await field.fill(bad);
        await field.press('Enter');
        await expect.poll(() => params(page).get('capacity')).toBe(bad);
        const error = page.getByTestId('filter-capacity-error');
        await error.waitFor();
        expect(await error.textContent()).toBe(
          `"${bad}" is not a number of calls: enter a whole number, 1 or more.`,
        );
        expect(await field.getAttribute('aria-invalid')).toBe('true');
        await page.getByTestId('call-list-invalid').waitFor();
        expect(await page.locator('[data-testid=call-list]').count()).toBe(0);
        expect(await page.getByTestId('at-risk-summary').textContent()).not.toContain('customers to call');
      }
      await screenshot(page, `call-lists-capacity-refused-${viewport}`, { fullPage: false });
      await field.fill('25');
      await field.press('Enter');
      await row(page, 0).waitFor();
      expect(await page.getByTestId('at-risk-listed').textContent()).toBe('25');
      expect(await page.getByTestId('filter-capacity-error').count()).toBe(0);
    });

    it(`${viewport}: refuses a probability range no customer can fall in, instead of dropping a bound`, async () => {
      const page = pages[viewport];
      await page.goto(`${server.url}/at-risk`);
      await row(page, 0).waitFor();
      await page.getByTestId('filter-probability').selectOption('0.9');
      await page.getByTestId('filter-max-probability').selectOption('0.5');
      await expect.poll(() => [params(page).get('minP'), params(page).get('maxP')]).toEqual(['0.9', '0.5']);
      const error = page.getByTestId('filter-max-probability-error');
      await error.waitFor();
      expect(await error.textContent()).toBe(
        '50.0% or less cannot meet 90.0% or more: no customer falls in that range. Choose a higher maximum or a lower minimum.',
      );
      // The bound stays chosen (not quietly dropped), and no list is shown for the pair.
      expect(await page.getByTestId('filter-max-probability').inputValue()).toBe('0.5');
      await page.getByTestId('call-list-invalid').waitFor();
      await screenshot(page, `call-lists-range-refused-${viewport}`, { fullPage: false });
      await page.getByTestId('filter-max-probability').selectOption('');
      await row(page, 0).waitFor();
    });
  }

  it('desktop: the phone filter lists those a dialler can call by default, anyone on request', async () => {
    const page = pages.desktop;
    const reachable = await list({ hasPhone: true, capacity: 200, limit: 200 });
    expect(reachable.rows.every((r) => /^\+[1-9]\d{6,14}$/.test(r.phoneE164 ?? ''))).toBe(true);
    const anyone = await list({ capacity: 200, limit: 200 });
    // The demo's customers have no phone number about one in twelve times.
    expect(anyone.summary.listedWithoutPhone).toBeGreaterThan(0);
    expect(anyone.summary.listedWithoutPhone).toBe(anyone.rows.filter((r) => r.phoneE164 === null).length);
    await page.goto(`${server.url}/at-risk`);
    await row(page, 0).waitFor();
    await page.getByTestId('filter-phone').selectOption('any');
    await expect.poll(() => params(page).get('phone')).toBe('any');
    await expect
      .poll(() => page.getByTestId('at-risk-summary').textContent())
      .toContain(`${en(anyone.summary.listedWithoutPhone)} of them have no phone number a dialler can call.`);
    await expect.poll(() => row(page, 0).getAttribute('data-key')).toBe(anyone.rows[0]?.customerId);
  });

  it('desktop: shows the last call’s outcome and day in the list', async () => {
    const page = pages.desktop;
    const [first, second] = (await list({ ...DEFAULT_VIEW, limit: 2 })).rows;
    if (!first || !second) throw new Error('no customers to call');
    const recorded = await apiMutation<{ contactedAt: string }>(server, 'atRisk.recordOutcome', {
      customerId: first.customerId,
      outcome: 'no_answer',
    });
    await page.goto(`${server.url}/at-risk`);
    await row(page, 0).waitFor();
    await expect.poll(() => row(page, 0).getAttribute('data-key')).toBe(first.customerId);
    const day = new Date(recorded.contactedAt).toLocaleDateString('en-US', {
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const header = await page.locator('[data-testid=call-list] [role=columnheader]').allTextContents();
    const lastContact = header.indexOf('Last contact');
    expect(lastContact).toBeGreaterThan(0);
    await expect.poll(async () => (await cellsOf(page, 0))[lastContact]).toBe(`No answer · ${day}`);
    expect((await cellsOf(page, 1))[lastContact]).toBe('Not contacted');
    await screenshot(page, 'call-lists-last-contact', { fullPage: false });
  });

  it('desktop: a good customer more likely to leave than stay reads "…, slipping", in the list and the panel', async () => {
    const page = pages.desktop;
    const good = ['Champions', 'Loyal', 'Potential loyalists', 'New', 'Promising'];
    const slipping = await list({ segment: good, minProbability: 0.5, limit: 1 });
    const first = slipping.rows[0];
    if (!first) throw new Error('no customer of a good segment at 50% or more in the demo');
    expect(first.standing).toMatch(/, slipping$/);
    expect(good).toContain(first.segment);
    await page.goto(
      `${server.url}/at-risk?capacity=all&phone=any&minP=0.5&${good.map((s) => `segment=${encodeURIComponent(s)}`).join('&')}`,
    );
    await row(page, 0).waitFor();
    expect(await row(page, 0).getAttribute('data-key')).toBe(first.customerId);
    // Under the customer's name, marked as slipping; the RFM segment in the cell's title.
    const standingInRow = row(page, 0).getByTestId('row-standing');
    expect(await standingInRow.textContent()).toBe(first.standing);
    expect(await standingInRow.getAttribute('class')).toBe('standing slipping');
    expect(await row(page, 0).locator('[role=cell]').nth(1).getAttribute('title')).toContain(
      `RFM segment: ${first.segment}`,
    );
    await row(page, 0).click();
    const standing = page.getByTestId('panel-standing');
    await standing.waitFor();
    expect(await standing.textContent()).toBe(first.standing);
    expect(await standing.getAttribute('title')).toBe(`RFM segment: ${first.segment}`);
    await screenshot(page, 'call-lists-slipping', { fullPage: false });
    await page.keyboard.press('Escape');
  });

  it('offers no attribute of a customer as a reason to call', async () => {
    const all = await list({ capacity: 500, limit: 500 });
    const reasons = all.rows.flatMap((r) => r.reasons);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.filter((r) => NOT_A_REASON.test(r))).toEqual([]);
  });

  it('desktop: exports the list on screen with phone_e164 as a dialler takes it', async () => {
    const page = pages.desktop;
    await page.goto(`${server.url}/at-risk`);
    await row(page, 0).waitFor();
    const { text } = await downloadText(page, () => page.getByTestId('export-call-list').click());
    const [header, ...rows] = parseCsv(text).filter((r) => r.length > 1);
    if (!header) throw new Error('empty export');
    expect(header.slice(0, 4)).toEqual(['rank', 'customer_id', 'name', 'phone']);
    expect(header.slice(-3)).toEqual(['phone_e164', 'segment', 'standing']);
    const e164 = header.indexOf('phone_e164');
    expect(rows).toHaveLength(200);
    for (const r of rows) expect(r[e164]).toMatch(/^\+[1-9]\d{6,14}$/);
    // The number as typed stays as it was, with a ' where it starts like a formula.
    expect(rows.some((r) => r[header.indexOf('phone')]?.startsWith("'+"))).toBe(true);
  });
});
