import type { RouterOutputs } from '@retain/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, newPage, screenshot } from './support/browser.ts';
import {
  apiMutation,
  apiQuery,
  chartDrawn,
  downloadText,
  en,
  enPercent,
  parseCsv,
  seriousA11yViolations,
  tableCells,
} from './support/dashboard.ts';
import { type RetainServer, startRetain } from './support/retainServer.ts';

type Kpis = RouterOutputs['overview']['kpis'];
type Matrix = RouterOutputs['cohorts']['matrix'];
type Customers = RouterOutputs['cohorts']['customers'];
type Repeat = RouterOutputs['repeat']['summary'];
type Impact = RouterOutputs['impact']['summary'];
type QueryResult = RouterOutputs['query']['run'];
type Info = RouterOutputs['info']['get'];

/**
 * The analyst and executive pages against the real server on demo data: real numbers equal to the
 * API's, filters in the URL, drill-down, CSV and PNG downloads, keyboard use and axe-core.
 */
describe.skipIf(!chromiumAvailable)('dashboard: overview, cohorts, repeat, complaints, SQL, data', () => {
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

  const path = () => new URL(page.url()).pathname;
  const params = () => new URL(page.url()).searchParams;

  it('overview: KPI tiles equal the API, with deltas judged better or worse', async () => {
    const kpis = await apiQuery<Kpis>(server, 'overview.kpis', { filters: {} });
    await page.goto(`${server.url}/`);
    const active = page.getByTestId('kpi-activeCustomers-value');
    await expect.poll(() => active.textContent()).toBe(en(kpis.kpis.activeCustomers.value ?? Number.NaN));
    expect(await page.getByTestId('kpi-churnRate-value').textContent()).toBe(
      enPercent(kpis.kpis.churnRate.value ?? 0),
    );
    // Money in the data's currency: the demo data is in US dollars.
    expect(await page.getByTestId('kpi-revenue-value').textContent()).toBe(
      `$${en(kpis.kpis.revenue.value ?? 0)}`,
    );
    // Churn going up is bad news whatever the arrow's direction.
    const churnDelta = kpis.kpis.churnRate.delta ?? 0;
    if (Math.abs(churnDelta) >= 0.0005)
      expect(await page.getByTestId('kpi-churnRate-delta').getAttribute('class')).toContain(
        churnDelta > 0 ? 'worse' : 'better',
      );
    expect(await page.getByTestId('summary').textContent()).toMatch(/^Retention (is|has)/);
    // Sparklines and the trend chart come from the KPI history.
    await chartDrawn(page, 'chart-trend', '.recharts-line');
    await chartDrawn(page, 'chart-recent-cohorts', '.recharts-line');
    expect(await page.locator('.sparkline path').count()).toBeGreaterThanOrEqual(8);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'overview', { fullPage: false });
  });

  it('overview: a region filter changes the URL and the figures', async () => {
    await page.locator('[data-testid=filter-region] summary').click();
    await page.getByRole('checkbox', { name: 'North' }).check();
    await expect.poll(() => params().getAll('region')).toEqual(['North']);
    const north = await apiQuery<Kpis>(server, 'overview.kpis', { filters: { region: ['North'] } });
    await expect
      .poll(() => page.getByTestId('kpi-activeCustomers-value').textContent())
      .toBe(en(north.kpis.activeCustomers.value ?? Number.NaN));
    // The link reproduces the view.
    await page.goto(page.url());
    await expect
      .poll(() => page.getByTestId('kpi-activeCustomers-value').textContent())
      .toBe(en(north.kpis.activeCustomers.value ?? Number.NaN));
  });

  it('overview: charts download as PNG and CSV, and print without the navigation', async () => {
    const card = page.getByTestId('chart-trend');
    await chartDrawn(page, 'chart-trend', '.recharts-line');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: /as PNG/ }).click(),
    ]);
    expect(png.suggestedFilename()).toBe('churn-and-repeat-purchase-over-time.png');
    const bytes = await import('node:fs').then(async (fs) => fs.readFileSync(await png.path()));
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    const csv = await downloadText(page, () => card.getByRole('button', { name: /as CSV/ }).click());
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual([
      'As of',
      'Churn rate (active customers)',
      'Recent 90-day repeat rate',
      'Net revenue retention (12 m)',
    ]);
    // The CSV holds what the data table shows.
    await card.getByText('Show the data as a table').click();
    const table = await tableCells(page, '[data-testid=chart-trend] table');
    expect(table.length).toBe(rows.length);
    rows.slice(1).forEach((row, i) => {
      const shown = table[i + 1] ?? [];
      expect(shown[1]).toBe(row[1] === '' ? '—' : enPercent(Number(row[1])));
    });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.sidebar').isVisible()).toBe(false);
    expect(await page.getByTestId('kpi-activeCustomers').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
  });

  const view = { period: 'month', metric: 'customers', mode: 'on', net: false, maxOffset: 36, filters: {} };

  it('cohorts: heatmap cells equal the matrix, and a click opens that cell’s customers', async () => {
    const matrix = await apiQuery<Matrix>(server, 'cohorts.matrix', view);
    const row = matrix.cohorts.at(-12);
    if (!row) throw new Error('the demo data has too few cohorts');
    await page.goto(`${server.url}/cohorts`);
    const cell = page.locator(`[data-testid=heatmap] button[data-cohort="${row.cohort}"][data-offset="3"]`);
    await cell.waitFor();
    expect(await cell.textContent()).toBe(enPercent(row.values[3] ?? 0));
    await cell.hover();
    const tooltip = page.getByTestId('heatmap-tooltip');
    expect(await tooltip.textContent()).toContain(
      `${en(row.counts[3] ?? 0)} of ${en(row.bases[3] ?? 0)} customers`,
    );
    expect(await tooltip.textContent()).toContain('95% interval');

    await cell.click();
    await expect.poll(() => [params().get('cell'), params().get('offset')]).toEqual([row.cohort, '3']);
    const customers = await apiQuery<Customers>(server, 'cohorts.customers', {
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
    expect(customers.total).toBe(row.counts[3]);
    await expect
      .poll(() => page.getByTestId('drilldown-total').textContent())
      .toMatch(new RegExp(`^${en(customers.total)} customers`));
    const first = page.locator('[data-testid=drilldown-table] tbody tr').first();
    expect(await first.locator('td').first().textContent()).toBe(customers.rows[0]?.customerId);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'cohorts', { fullPage: false });
  });

  it('cohorts: arrow keys move between cells and Enter opens one', async () => {
    const matrix = await apiQuery<Matrix>(server, 'cohorts.matrix', view);
    const row = matrix.cohorts.at(-12);
    await page.locator(`[data-testid=heatmap] button[data-cohort="${row?.cohort}"][data-offset="3"]`).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => params().get('offset')).toBe('4');
    await expect
      .poll(() => page.getByTestId('drilldown-total').textContent())
      .toMatch(new RegExp(`^${en(row?.counts[4] ?? -1)} customers`));
  });

  it('cohorts: the matrix CSV holds the matrix, and changing the period changes the URL and the rows', async () => {
    const matrix = await apiQuery<Matrix>(server, 'cohorts.matrix', view);
    const csv = parseCsv((await downloadText(page, () => page.getByTestId('export-matrix').click())).text);
    expect(csv[0]?.slice(0, 4)).toEqual(['cohort', 'size', 'month 0', 'month 1']);
    // The average row first, then one row per cohort, shares rounded as the cells show them.
    expect(csv[1]?.[0]).toBe('Average (weighted by size)');
    expect(csv.length - 2).toBe(matrix.cohorts.length);
    matrix.cohorts.forEach((c, i) => {
      const line = csv[i + 2] ?? [];
      expect(line[0]).toBe(c.cohort);
      expect(Number(line[1])).toBe(c.size);
      c.values.forEach((v, o) => {
        expect(line[o + 2] === '' ? '—' : enPercent(Number(line[o + 2]))).toBe(
          v === null ? '—' : enPercent(v),
        );
      });
    });
    // The heatmap shows the same cells as the file.
    const shown = await page.locator('[data-testid=heatmap] tbody:not(.heat-average-body) tr').count();
    expect(shown).toBe(Math.min(120, matrix.cohorts.length));

    await page.getByRole('radio', { name: 'Week' }).check();
    await expect.poll(() => params().get('period')).toBe('week');
    expect(params().get('cell')).toBeNull();
    await expect
      .poll(() =>
        page.locator('[data-testid=heatmap] tbody:not(.heat-average-body) th').first().textContent(),
      )
      .toMatch(/^\d{4}-W\d{2}$/);
    expect(path()).toBe('/cohorts');
  });

  it('repeat purchase: figures equal the API and the window is a URL filter', async () => {
    // The page judges every cohort over 90 days unless told otherwise.
    const within = await apiQuery<Repeat>(server, 'repeat.summary', {
      period: 'month',
      withinDays: 90,
      filters: {},
    });
    await page.goto(`${server.url}/repeat`);
    await expect
      .poll(() => page.getByTestId('repeat-rate').textContent())
      .toBe(enPercent(within.overall.rate ?? 0));
    expect(await page.getByTestId('repeat-customers').textContent()).toBe(en(within.overall.customers));
    const repeat = await apiQuery<Repeat>(server, 'repeat.summary', { period: 'month', filters: {} });
    await page.getByTestId('control-within').selectOption('any');
    await expect.poll(() => params().get('within')).toBe('any');
    await expect
      .poll(() => page.getByTestId('repeat-rate').textContent())
      .toBe(enPercent(repeat.overall.rate ?? 0));
    await page.getByTestId('control-within').selectOption('90');
    await expect.poll(() => params().get('within')).toBe('90');
    await expect
      .poll(() => page.getByTestId('repeat-rate').textContent())
      .toBe(enPercent(within.overall.rate ?? 0));

    const card = page.getByTestId('chart-repeat-by-cohort');
    await chartDrawn(page, 'chart-repeat-by-cohort', '.recharts-bar-rectangle');
    const csv = parseCsv(
      (await downloadText(page, () => card.getByRole('button', { name: /as CSV/ }).click())).text,
    );
    // The CSV holds the shares as the table shows them: one decimal of a percent.
    expect(csv.slice(1).map((r) => [r[0], Number(r[3])])).toEqual(
      within.cohorts.map((c) => [c.cohort, Math.round((c.rate ?? 0) * 1000) / 1000]),
    );
    await card.getByText('Show the data as a table').click();
    const table = await tableCells(page, '[data-testid=chart-repeat-by-cohort] table');
    expect(table.slice(1).map((r) => r[0])).toEqual(csv.slice(1).map((r) => r[0]));
    await chartDrawn(page, 'chart-gap-days', '.recharts-reference-line');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'repeat', { fullPage: false });
  });

  it('complaints & returns: curves and the complainers’ repeat rate equal the API', async () => {
    const impact = await apiQuery<Impact>(server, 'impact.summary', {
      period: 'month',
      mode: 'on',
      maxOffset: 12,
      filters: {},
    });
    await page.goto(`${server.url}/complaints`);
    const card = page.getByTestId('chart-repeat-complainers');
    await chartDrawn(page, 'chart-repeat-complainers', '.recharts-bar-rectangle');
    await card.getByText('Show the data as a table').click();
    const table = await tableCells(page, '[data-testid=chart-repeat-complainers] table');
    expect(table[1]).toEqual([
      'Complained',
      en(impact.repeatByComplaint.complainers.customers),
      en(impact.repeatByComplaint.complainers.repeaters),
      enPercent(impact.repeatByComplaint.complainers.rate ?? 0),
    ]);
    await chartDrawn(page, 'chart-by-complaint', '.recharts-line');
    await chartDrawn(page, 'chart-by-return', '.recharts-line');
    expect(await page.locator('[data-testid=chart-by-complaint] .recharts-line').count()).toBe(
      impact.byComplaint.length,
    );
    expect(await page.locator('[data-testid=chart-by-return] .recharts-line').count()).toBe(
      impact.byReturn.length,
    );
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'complaints', { fullPage: false });
  });

  it('works in the dark theme without contrast problems', async () => {
    const dark = await newPage(browser, { colorScheme: 'dark' });
    const pages: [string, string][] = [
      ['/', '[data-testid=summary]'],
      ['/cohorts', '[data-testid=heatmap] button'],
      ['/repeat', '[data-testid=repeat-rate]'],
      ['/complaints', '[data-testid=chart-by-complaint]'],
    ];
    for (const [path, ready] of pages) {
      await dark.goto(`${server.url}${path}`);
      await dark.locator(ready).first().waitFor();
      expect(await seriousA11yViolations(dark), path).toEqual([]);
    }
    await dark.goto(`${server.url}/cohorts`);
    await dark.locator('[data-testid=heatmap] button').first().waitFor();
    await screenshot(dark, 'cohorts-dark', { fullPage: false });
    await dark.context().close();
  });

  const typeSql = async (sql: string) => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(sql);
  };

  it('SQL: Ctrl+Enter runs a query and shows the same rows as the API, with CSV and a chart', async () => {
    const sql = 'SELECT region, count(*) AS customers FROM customers GROUP BY region ORDER BY region';
    const expected = await apiMutation<QueryResult>(server, 'query.run', { sql, limit: 1000 });
    await page.goto(`${server.url}/sql`);
    await page.getByTestId('schema-browser').waitFor();
    await typeSql(sql);
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('sql-grid').waitFor();
    const grid = await tableCells(page, '[data-testid=sql-grid]');
    expect(grid[0]).toEqual(['region', 'customers']);
    expect(grid.slice(1)).toEqual(expected.rows.map((r) => [String(r[0]), en(Number(r[1]))]));
    expect(params().get('q')).toBe(sql);
    await chartDrawn(page, 'sql-chart', '.recharts-bar-rectangle');
    const csv = parseCsv((await downloadText(page, () => page.getByTestId('sql-csv').click())).text);
    expect(csv).toEqual([['region', 'customers'], ...expected.rows.map((r) => r.map(String))]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'sql', { fullPage: false });
  });

  it('SQL: an error shows DuckDB’s message and where it is; saved queries are stored', async () => {
    await typeSql('SELECT customer_id,\n  nope FROM customers');
    await page.getByTestId('run-query').click();
    const error = page.getByTestId('sql-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/nope/);
    expect(await error.textContent()).toContain('line 2, column 3');
    expect(await page.locator('.cm-error-mark').textContent()).toBe('nope');

    await typeSql('SELECT count(*) AS n FROM purchases');
    await page.getByLabel('Name', { exact: true }).fill('Order lines');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByTestId('saved-queries')
      .getByRole('button', { name: 'Order lines', exact: true })
      .waitFor();
    const saved = await apiQuery<{ name: string; sql: string }[]>(server, 'query.saved');
    expect(saved).toContainEqual(
      expect.objectContaining({ name: 'Order lines', sql: 'SELECT count(*) AS n FROM purchases' }),
    );
  });

  const upload = async (name: string, content: string) => {
    await page
      .getByTestId('file-input')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
    await page.getByTestId('map-order_id').waitFor();
  };

  it('data: a file with a bad date is refused with its line number, and nothing is loaded', async () => {
    const before = await apiQuery<Info>(server, 'info.get');
    await page.goto(`${server.url}/data`);
    await upload(
      'late-orders.csv',
      'order_id,customer_id,order_date,amount\nE2E-1,C0000001,2026-09-30 10:00:00,12.5\nE2E-2,C0000001,2026-02-30,7\n',
    );
    expect(await page.getByTestId('section-select').inputValue()).toBe('purchases');
    expect(await page.getByTestId('map-order_date').inputValue()).toBe('order_date');
    await page.getByTestId('load-button').click();
    const issue = page.getByTestId('load-issue').first();
    await issue.waitFor();
    expect(await issue.textContent()).toMatch(/late-orders\.csv, line 3, column order_date \(“2026-02-30”\)/);
    expect((await apiQuery<Info>(server, 'info.get')).dataVersion).toBe(before.dataVersion);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'data', { fullPage: false });
  });

  it('data: a good file loads with progress and a summary, and the warehouse counts update', async () => {
    const before = await apiQuery<Info>(server, 'info.get');
    await page.getByRole('button', { name: /^Remove / }).click();
    await upload(
      'more-orders.csv',
      'order_id,customer_id,order_date,amount\nE2E-3,C0000001,2026-09-30 11:00:00,20\n',
    );
    await page.getByTestId('load-button').click();
    await page.getByTestId('load-summary').waitFor();
    expect(await page.getByTestId('inserted-purchases').textContent()).toBe('1');
    await expect
      .poll(() => page.getByTestId('rows-order-lines').textContent())
      .toBe(en(before.purchases.rows + 1));
  });
});
