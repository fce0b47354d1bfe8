import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RouterOutputs } from '@retain/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The Trino suites' own helpers (the cluster from the environment, a seeded demo mapped on it):
// test code sharing test code, by path, so the engine package exports nothing for tests.
import { testCluster } from '../packages/trino/src/testing/cluster.ts';
import { type MappedDemo, mapDemo } from '../packages/trino/src/testing/mappedDemo.ts';
import {
  chromiumAvailable,
  launchBrowser,
  pagesByViewport,
  screenshot,
  type Viewport,
} from './support/browser.ts';
import { apiQuery, en, enPercent, seriousA11yViolations, waitFor } from './support/dashboard.ts';
import { type RetainServer, startRetain } from './support/retainServer.ts';

type Kpis = RouterOutputs['overview']['kpis'];
type Matrix = RouterOutputs['cohorts']['matrix'];
type Customers = RouterOutputs['cohorts']['customers'];
type Info = RouterOutputs['info']['get'];

/*
 * The dashboard served from a Trino cluster (`retain serve --engine`), clicked through in Chromium
 * on a desktop and a 400 px phone: a small seeded demo mapped on the cluster, the same demo in an
 * embedded database file served beside it, and the pages of the cluster's server showing the
 * embedded server's figures, its cohort drill-down, its SQL console and sandbox, and the Data
 * page's line on the facts with the button that checks the cluster for new data.
 */

const cluster = testCluster();
const VIEWPORTS: readonly Viewport[] = ['desktop', 'phone'];
const KPI_COUNTS = ['activeCustomers'] as const;
const KPI_SHARES = ['churnRate'] as const;

describe.skipIf(cluster === null || !chromiumAvailable)('the dashboard on a Trino cluster', () => {
  let demo: MappedDemo | null = null;
  let localDir: string | null = null;
  let embedded: RetainServer | null = null;
  let onEngine: RetainServer | null = null;
  let browser: Browser | null = null;
  let pages: Record<Viewport, Page> | null = null;

  const started = () => {
    if (!demo || !embedded || !onEngine || !pages) throw new Error('the servers did not start');
    return { demo, embedded, engine: onEngine, pages };
  };

  beforeAll(async () => {
    if (!cluster) return;
    const launched = launchBrowser();
    demo = await mapDemo(cluster, {
      prefix: 'e2e_engine',
      customers: 300,
      seed: 23,
      years: 2,
      end: '2025-06-30',
    });
    // One process at a time opens a database file: the embedded server gets the demo's.
    demo.warehouse.close();
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-e2e-engine-'));
    browser = await launched;
    [embedded, onEngine] = await Promise.all([
      startRetain({ db: demo.dbFile, demoIfEmpty: false }),
      startRetain({
        db: path.join(localDir, 'figures.duckdb'),
        demoIfEmpty: false,
        args: ['--engine', demo.engineUrl],
      }),
    ]);
    pages = await pagesByViewport(browser);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await onEngine?.stop();
    await embedded?.stop();
    await demo?.drop();
    if (localDir) fs.rmSync(localDir, { recursive: true, force: true });
  });

  it('starts on the cluster, naming it and the file the figures are kept in', () => {
    const { demo, engine } = started();
    expect(engine.output()).toMatch(
      new RegExp(`facts on Trino at \\S+ lake\\.${demo.schema}; figures cached in`),
    );
  });

  it('overview: the KPI tiles show the embedded server’s figures, on a desktop and a phone', async () => {
    const { embedded, engine, pages } = started();
    const expected = await apiQuery<Kpis>(embedded, 'overview.kpis', { filters: {} });
    for (const viewport of VIEWPORTS) {
      const page = pages[viewport];
      await page.goto(`${engine.url}/`);
      for (const name of KPI_COUNTS)
        await expect
          .poll(() => page.getByTestId(`kpi-${name}-value`).textContent(), { timeout: 60_000 })
          .toBe(en(expected.kpis[name].value ?? Number.NaN));
      for (const name of KPI_SHARES)
        expect(await page.getByTestId(`kpi-${name}-value`).textContent(), name).toBe(
          enPercent(expected.kpis[name].value ?? Number.NaN),
        );
      expect(await page.getByTestId('kpi-revenue-value').textContent()).toBe(
        `$${en(expected.kpis.revenue.value ?? Number.NaN)}`,
      );
      expect(await page.getByTestId('summary').textContent()).toMatch(/^Retention (is|has)/);
      // The sparklines come from the KPI history, computed on the cluster too.
      await expect
        .poll(() => page.locator('.sparkline path').count(), { timeout: 60_000 })
        .toBeGreaterThanOrEqual(8);
      // Nothing wider than the phone's screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), viewport).toBeLessThanOrEqual(
        page.viewportSize()?.width ?? 0,
      );
      expect(await seriousA11yViolations(page), viewport).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `engine-overview-${viewport}`, { fullPage: false });
    }
  });

  it('cohorts: the matrix is the embedded server’s, and a cell lists its customers read on the cluster', async () => {
    const { embedded, engine, pages } = started();
    const view = { period: 'month', metric: 'customers', mode: 'on', net: false, maxOffset: 36, filters: {} };
    const matrix = await apiQuery<Matrix>(embedded, 'cohorts.matrix', view);
    const row = matrix.cohorts.at(-12);
    if (!row) throw new Error('the demo has too few cohorts');
    for (const viewport of VIEWPORTS) {
      const page = pages[viewport];
      await page.goto(`${engine.url}/cohorts`);
      const cell = page.locator(`[data-testid=heatmap] button[data-cohort="${row.cohort}"][data-offset="3"]`);
      await cell.waitFor();
      expect(await cell.textContent(), viewport).toBe(enPercent(row.values[3] ?? 0));
      await cell.click();
      await expect
        .poll(() => new URL(page.url()).searchParams.get('cell'), { timeout: 30_000 })
        .toBe(row.cohort);
      await expect
        .poll(() => page.getByTestId('drilldown-total').textContent(), { timeout: 60_000 })
        .toMatch(new RegExp(`^${en(row.counts[3] ?? -1)} customers`));
      const customers = await apiQuery<Customers>(embedded, 'cohorts.customers', {
        period: 'month',
        cohort: row.cohort,
        offset: 3,
        mode: 'on',
        status: 'active',
        sort: 'revenue',
        direction: 'desc',
        page: 1,
        pageSize: 25,
        filters: {},
      });
      const first = page.locator('[data-testid=drilldown-table] tbody tr').first();
      expect(await first.locator('td').first().textContent(), viewport).toBe(customers.rows[0]?.customerId);
      expect(await seriousA11yViolations(page), viewport).toEqual([]);
    }
  });

  it('SQL: the example runs on the cluster and shows rows; a system table is refused, saying why', async () => {
    const { engine, pages } = started();
    const page = pages.desktop;
    await page.goto(`${engine.url}/sql`);
    await page.getByTestId('schema-browser').waitFor();
    // The editor opens with the server's example, in SQL both engines share.
    const example = await apiQuery<{ sql: string }>(engine, 'query.example');
    const words = (text: string | null) => (text ?? '').replace(/\s+/g, '');
    await expect
      .poll(async () => words(await page.locator('.cm-content').textContent()))
      .toBe(words(example.sql));
    await page.getByTestId('run-query').click();
    await page.getByTestId('sql-grid').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=sql-grid] tbody tr').count()).toBeGreaterThan(0);

    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('SELECT * FROM system.runtime.nodes');
    await page.getByTestId('run-query').click();
    const error = page.getByTestId('sql-error');
    await error.waitFor({ timeout: 60_000 });
    const message = (await error.textContent()) ?? '';
    expect(message).toMatch(/does not offer \(system\.runtime\.nodes\)/);
    expect(message).not.toMatch(/io\.trino|Exception|^\s+at /m);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('data: names the cluster and the facts’ version, and checks the cluster for new data on a click', async () => {
    const { demo, embedded, engine, pages } = started();
    const embeddedInfo = await apiQuery<Info>(embedded, 'info.get');
    const host = new URL(`http://${demo.engineUrl.split('@')[1]}`).host;
    const line = new RegExp(
      `^Facts on Trino at ${host.replaceAll('.', '\\.')} lake\\.${demo.schema} · checked (.+) · ${en(embeddedInfo.purchases.rows)} order lines$`,
    );
    for (const viewport of VIEWPORTS) {
      const page = pages[viewport];
      await page.goto(`${engine.url}/data`);
      const facts = page.getByTestId('engine-facts');
      await facts.waitFor();
      const before = (await facts.textContent()) ?? '';
      expect(before, viewport).toMatch(line);
      const checkedBefore = (await apiQuery<Info>(engine, 'info.get')).engine?.checkedAt ?? '';
      // The check is shown to the second: one a second later reads later.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const button = page.getByRole('button', { name: 'Check the cluster for new data' });
      const refreshed = page.waitForRequest(
        (r) => r.url().includes('info.get') && r.url().includes('refresh'),
      );
      await button.click();
      await refreshed;
      await expect.poll(() => facts.textContent(), { timeout: 30_000 }).not.toBe(before);
      expect(await facts.textContent(), viewport).toMatch(line);
      const checkedAfter = await waitFor(
        async () => (await apiQuery<Info>(engine, 'info.get')).engine?.checkedAt,
        10_000,
        'the time of the check',
      );
      expect(Date.parse(checkedAfter)).toBeGreaterThan(Date.parse(checkedBefore));
      expect(await button.isEnabled()).toBe(true);
      expect(await page.getByTestId('rows-order-lines').textContent()).toBe(en(embeddedInfo.purchases.rows));
      // The counts are the cluster's; the local file keeps only the figures (no data version there).
      expect(await page.getByRole('heading', { name: 'On the cluster' }).isVisible()).toBe(true);
      expect(await page.getByTestId('data-version').count()).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), viewport).toBeLessThanOrEqual(
        page.viewportSize()?.width ?? 0,
      );
      expect(await seriousA11yViolations(page), viewport).toEqual([]);
      await screenshot(page, `engine-data-${viewport}`, { fullPage: false });
    }
  });

  it('data: after a check every page reads its figures again, which it otherwise keeps a minute', async () => {
    const { engine, pages } = started();
    const page = pages.desktop;
    const kpiReads: string[] = [];
    const onRequest = (r: { url: () => string }) => {
      if (r.url().includes('overview.kpis')) kpiReads.push(r.url());
    };
    const nav = page.getByRole('navigation', { name: 'Pages' });
    const overview = async () => {
      await nav.getByRole('link', { name: 'Overview' }).click();
      await page.getByTestId('kpi-activeCustomers-value').waitFor();
    };
    await page.goto(`${engine.url}/`);
    await page.getByTestId('kpi-activeCustomers-value').waitFor();
    page.on('request', onRequest);
    try {
      await nav.getByRole('link', { name: 'Data' }).click();
      await page.getByTestId('engine-facts').waitFor();
      await overview();
      expect(kpiReads, 'the overview again, without a check').toEqual([]);
      await nav.getByRole('link', { name: 'Data' }).click();
      const facts = page.getByTestId('engine-facts');
      const before = await facts.textContent();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await page.getByRole('button', { name: 'Check the cluster for new data' }).click();
      await expect.poll(() => facts.textContent(), { timeout: 30_000 }).not.toBe(before);
      await overview();
      await expect.poll(() => kpiReads.length, { timeout: 30_000 }).toBeGreaterThan(0);
    } finally {
      page.off('request', onRequest);
    }
  });
});
