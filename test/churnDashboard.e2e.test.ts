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
/** A figure and its 95 % interval as the model page writes them: "0.849 (0.846–0.852)". */
const withInterval = (i: { value: number | null; lower: number | null; upper: number | null }) =>
  i.lower === null || i.upper === null
    ? three(i.value)
    : `${three(i.value)} (${three(i.lower)}–${three(i.upper)})`;
const PHONE = { width: 400, height: 860 };

/**
 * The retention team's pages against the real server: the at-risk list (virtualised, filtered in
 * the URL, a customer panel, the call-list export) and the model page (while the first model
 * trains, its progress and what will appear; then which scorer is active and why, every
 * candidate's metrics with intervals equal to the API, on a desktop and a 400 px phone; "train now"
 * followed to completion through the progress subscription).
 */
describe.skipIf(!chromiumAvailable)('dashboard: at risk and model', () => {
  let server: RetainServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startRetain({ customers: 5000 }), launchBrowser()]);
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const params = () => new URL(page.url()).searchParams;

  it('model: while the first model trains, shows its progress and what will appear, then fills in', async () => {
    // `retain serve` trains the first model in the background; it takes a while on 5,000 customers.
    expect((await apiQuery<Models>(server, 'model.list')).length).toBe(0);
    const phone = await (await browser.newContext({ viewport: PHONE, locale: 'en-US' })).newPage();
    for (const [name, p] of [
      ['desktop', page],
      ['phone', phone],
    ] as const) {
      await p.goto(`${server.url}/model`);
      const first = p.getByTestId('first-training');
      await first.waitFor();
      expect(await first.textContent()).toContain('The first model is training');
      expect(await first.textContent()).toContain('which scorer ranks your customers’ churn best');
      await p.getByTestId('train-progress').waitFor();
      const body = (await p.locator('main').textContent()) ?? '';
      expect(body).not.toContain('No model yet');
      expect(body).not.toMatch(/\bretain (train|serve)\b|\bnpm\b|\bnpx\b/);
      expect(await p.getByTestId('train-button').textContent()).toBe('Training…');
      await screenshot(p, `model-first-training-${name}`, { fullPage: false });
    }
    await waitFor(
      async () => ((await apiQuery<Models>(server, 'model.list')).length > 0 ? true : undefined),
      240_000,
      'the first model',
    );
    // Without a reload, the evaluation takes the place of the progress.
    await page.getByTestId('metrics-table').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('first-training').count()).toBe(0);
    await phone.close();
  }, 330_000);
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
    expect(cells[6]).toBe(en(first.orders));
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
    // Nobody held back, so the file holds the whole filtered list (control groups: program.e2e).
    await page.getByTestId('filter-control').selectOption('0');
    await expect.poll(() => params().get('control')).toBe('0');
    const { name, text } = await downloadText(page, () => page.getByTestId('export-call-list').click());
    // Named after the saved list: call-list-L-<list date>-<id>.csv.
    expect(name).toMatch(/^call-list-L-\d{8}-[0-9a-z]+\.csv$/);
    const rows = parseCsv(text);
    expect(rows[0]?.slice(0, 2)).toEqual(['rank', 'customer_id']);
    expect(rows.length - 1).toBe(filtered.summary.listed);
    expect(rows.slice(1, 6).map((r) => r[1])).toEqual(filtered.rows.map((r) => r.customerId));
  });

  it('model: says which scorer is active and why; every candidate with intervals, equal to the API', async () => {
    const [models, evaluation] = await Promise.all([
      apiQuery<Models>(server, 'model.list'),
      apiQuery<Evaluation>(server, 'model.evaluation', {}),
    ]);
    const { selection, candidates } = evaluation.evaluation;
    if (!selection || !candidates) throw new Error('a new version compares candidates');
    await page.goto(`${server.url}/model`);
    await page.getByTestId('metrics-table').waitFor();
    expect(await page.locator('#metrics-title').textContent()).toContain(
      `${selection.label} scores the customers`,
    );
    expect(await page.getByTestId('selection-reason').textContent()).toBe(selection.reason);
    expect(await page.getByTestId('selection-warning').count()).toBe(selection.warning ? 1 : 0);
    if (selection.warning)
      expect(await page.getByTestId('selection-warning').textContent()).toContain(selection.warning);
    const metrics = await tableCells(page, '[data-testid=metrics-table]');
    // The active scorer first, then every other candidate by pooled AUC, each with its interval.
    expect(metrics.length - 1).toBe(candidates.length);
    const active = candidates.find((c) => c.name === selection.name);
    expect(metrics[1]?.slice(0, 4)).toEqual([
      `${selection.label} (active)`,
      withInterval(active?.auc ?? { value: null, lower: null, upper: null }),
      'active',
      withInterval(active?.prAuc ?? { value: null, lower: null, upper: null }),
    ]);
    for (const row of metrics.slice(1)) {
      const c = candidates.find((x) => row[0]?.startsWith(x.label));
      if (!c) throw new Error(`no candidate for ${row[0]}`);
      expect(row[1]).toBe(withInterval(c.auc));
      expect(row[4]).toBe(withInterval(c.brier));
    }
    const versions = await tableCells(page, '[data-testid=model-versions]');
    expect(versions.length - 1).toBe(models.length);
    expect(versions[1]).toContain(selection.label);
    expect(await page.locator('[data-testid=features-table] tbody tr').count()).toBe(
      evaluation.features.length,
    );
    await page.getByTestId('chart-calibration').scrollIntoViewIfNeeded();
    await page.getByTestId('chart-calibration').locator('.recharts-line').first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'model-desktop', { fullPage: true });
  });

  it('model: on a 400 px phone the sentence and the candidates fit, the table scrolling in its card', async () => {
    const phone = await (await browser.newContext({ viewport: PHONE, locale: 'en-US' })).newPage();
    await phone.goto(`${server.url}/model`);
    await phone.getByTestId('metrics-table').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const reason = await phone.getByTestId('selection-reason').boundingBox();
    expect(reason?.width).toBeLessThanOrEqual(PHONE.width);
    expect(await phone.getByTestId('metrics-table').textContent()).toContain('(active)');
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await screenshot(phone, 'model-phone', { fullPage: true });
    await phone.close();
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
