import type { RouterOutputs } from '@retain/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, newPage, screenshot } from './support/browser.ts';
import {
  apiQuery,
  downloadText,
  en,
  enPercent,
  parseCsv,
  seriousA11yViolations,
  tableCells,
  waitFor,
} from './support/dashboard.ts';
import { type RetainServer, startRetain } from './support/retainServer.ts';

type CallList = RouterOutputs['atRisk']['list'];
type Models = RouterOutputs['model']['list'];
type Evaluation = RouterOutputs['model']['evaluation'];
type Customer = RouterOutputs['scores']['customer'];

/** The page's list with "Show all": every customer with a phone number a dialler can call. */
const ALL_REACHABLE = { hasPhone: true } as const;

const three = (n: number | null) =>
  n === null ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/**
 * The retention team's pages against the real server: the at-risk list (virtualised, filtered in
 * the URL, a customer panel, the call-list export) and the model page (metrics equal to the API,
 * "train now" followed to completion through the progress subscription).
 */
describe.skipIf(!chromiumAvailable)('dashboard: at risk and model', () => {
  let server: RetainServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startRetain({ customers: 5000 }), launchBrowser()]);
    page = await newPage(browser);
    // `retain serve` trains the first model in the background; the list needs its scores.
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

  const params = () => new URL(page.url()).searchParams;
  const row = (index: number) => page.locator(`[data-testid=call-list] [data-index="${index}"][data-key]`);

  it('at risk: the ranked list equals the API, and only the rows on screen are in the page', async () => {
    // The whole list of customers with a phone number (the page starts from a week's calls).
    const list = await apiQuery<CallList>(server, 'atRisk.list', { ...ALL_REACHABLE, offset: 0, limit: 3 });
    await page.goto(`${server.url}/at-risk?capacity=all`);
    await row(0).waitFor();
    const first = list.rows[0];
    if (!first) throw new Error('no scored customers');
    expect(await row(0).getAttribute('data-key')).toBe(first.customerId);
    const cells = await row(0).locator('[role=cell]').allTextContents();
    expect(cells[2]).toBe(enPercent(first.churnProbability));
    // Money in the data's currency: the demo data is in US dollars.
    expect(cells[3]).toBe(`$${en(first.valueAtRisk)}`);
    expect(cells[5]).toBe(en(first.orders));
    expect(await page.getByTestId('at-risk-summary').textContent()).toContain(
      `${en(list.summary.listed)} eligible customers to call`,
    );
    // Virtualised: a few dozen rows in the DOM for thousands listed; the last one is reachable.
    expect(await page.locator('[data-testid=call-list] [role=row]').count()).toBeLessThan(80);
    await page.getByTestId('call-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const lastIndex = list.summary.listed - 1;
    const last = await apiQuery<CallList>(server, 'atRisk.list', {
      ...ALL_REACHABLE,
      offset: lastIndex,
      limit: 1,
    });
    await row(lastIndex).waitFor();
    expect(await row(lastIndex).getAttribute('data-key')).toBe(last.rows[0]?.customerId);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('at risk: filters change the URL and the list', async () => {
    await page.goto(`${server.url}/at-risk?capacity=all`);
    await row(0).waitFor();
    const region = page.getByTestId('filter-region');
    await region.locator('summary').click();
    await region.getByRole('checkbox', { name: 'North' }).check();
    await region.locator('summary').click();
    await page.getByTestId('filter-probability').selectOption('0.5');
    await expect.poll(() => [params().get('region'), params().get('minP')]).toEqual(['North', '0.5']);
    const north = await apiQuery<CallList>(server, 'atRisk.list', {
      ...ALL_REACHABLE,
      region: 'North',
      minProbability: 0.5,
      offset: 0,
      limit: 1,
    });
    await expect
      .poll(() => page.getByTestId('at-risk-summary').textContent())
      .toContain(`${en(north.summary.listed)} eligible customers to call`);
    await expect.poll(() => row(0).getAttribute('data-key')).toBe(north.rows[0]?.customerId);
    await screenshot(page, 'at-risk', { fullPage: false });
  });

  it('at risk: Enter opens the customer’s panel with their score, reasons and history', async () => {
    const second = await page.locator('[data-testid=call-list] [data-index="1"]').getAttribute('data-key');
    await row(0).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => params().get('customer')).toBe(second);
    const customer = await apiQuery<Customer>(server, 'scores.customer', { customerId: second });
    const panel = page.getByTestId('customer-panel');
    await panel.getByTestId('panel-timeline').waitFor();
    expect(await panel.getByTestId('panel-probability').textContent()).toBe(
      enPercent(customer.score?.churnProbability ?? 0),
    );
    expect(await panel.locator('[data-testid=panel-timeline] li').count()).toBe(
      customer.orders.length + customer.complaints.length + customer.returns.length,
    );
    for (const reason of customer.score?.reasons ?? [])
      expect(await panel.getByTestId('panel-reasons').textContent()).toContain(reason);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'at-risk-customer', { fullPage: false });
    await page.keyboard.press('Escape');
    await expect.poll(() => params().get('customer')).toBeNull();
  });

  it('at risk: "export call list" downloads the filtered list', async () => {
    const filtered = await apiQuery<CallList>(server, 'atRisk.list', {
      ...ALL_REACHABLE,
      region: 'North',
      minProbability: 0.5,
      offset: 0,
      limit: 5,
    });
    const { name, text } = await downloadText(page, () => page.getByTestId('export-call-list').click());
    expect(name).toMatch(/^call-list-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(text);
    expect(rows[0]?.slice(0, 2)).toEqual(['rank', 'customer_id']);
    expect(rows.length - 1).toBe(filtered.summary.listed);
    expect(rows.slice(1, 6).map((r) => r[1])).toEqual(filtered.rows.map((r) => r.customerId));
  });

  it('model: metrics and versions equal the API', async () => {
    const [models, evaluation] = await Promise.all([
      apiQuery<Models>(server, 'model.list'),
      apiQuery<Evaluation>(server, 'model.evaluation', {}),
    ]);
    await page.goto(`${server.url}/model`);
    await page.getByTestId('metrics-table').waitFor();
    const metrics = await tableCells(page, '[data-testid=metrics-table]');
    expect(metrics[1]?.slice(0, 3)).toEqual([
      'This model',
      three(evaluation.evaluation.validation.auc),
      three(evaluation.evaluation.validation.prAuc),
    ]);
    expect(metrics[2]?.[1]).toBe(three(evaluation.evaluation.baselines.gbt.auc));
    expect((await tableCells(page, '[data-testid=model-versions]')).length - 1).toBe(models.length);
    expect(await page.locator('[data-testid=features-table] tbody tr').count()).toBe(
      evaluation.features.length,
    );
    await page.getByTestId('chart-calibration').scrollIntoViewIfNeeded();
    await page.getByTestId('chart-calibration').locator('.recharts-line').first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('model: "train now" shows live progress through to a new version', async () => {
    const before = await apiQuery<Models>(server, 'model.list');
    await page.getByTestId('train-button').click();
    const progress = page.getByTestId('train-progress');
    // Epochs with their loss and hold-out AUC stream in while the model fits.
    await expect
      .poll(() => progress.textContent(), { timeout: 120_000 })
      .toMatch(/epoch \d+ · loss \d\.\d{3}/);
    await expect.poll(() => progress.textContent(), { timeout: 240_000, interval: 1000 }).toMatch(/^Done/);
    expect(await page.getByTestId('train-percent').getAttribute('value')).toBe('100');
    const after = await apiQuery<Models>(server, 'model.list');
    expect(after.length).toBe(before.length + 1);
    await expect.poll(() => page.locator('[data-testid=model-versions] tbody tr').count()).toBe(after.length);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'model', { fullPage: false });
  });
});
