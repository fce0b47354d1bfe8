import type { RouterOutputs } from '@retain/api';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, screenshot } from './support/browser.ts';
import {
  apiQuery,
  type Caller,
  chartDrawn,
  downloadText,
  en,
  enPercent,
  parseCsv,
  seriousA11yViolations,
  signIn,
  tableCells,
} from './support/dashboard.ts';
import { type RetainServer, type RetainUser, startRetain } from './support/retainServer.ts';

type Matrix = RouterOutputs['cohorts']['matrix'];
type Curves = RouterOutputs['cohorts']['curves'];
type Customers = RouterOutputs['cohorts']['customers'];
type Info = RouterOutputs['info']['get'];
type Role = RetainUser['role'];

const USERS: Record<Role, RetainUser> = {
  admin: { username: 'ada', role: 'admin', password: 'ada-password-1' },
  executive: { username: 'erin', role: 'executive', password: 'erin-password-1' },
  analyst: { username: 'alan', role: 'analyst', password: 'alan-password-1' },
  retention: { username: 'rita', role: 'retention', password: 'rita-password-1' },
};

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 400, height: 860 };
/** The fields the drill-down gives every role: ids and order figures, nothing that names a person. */
const DRILL_FIELDS = ['complaints', 'customerId', 'firstOrder', 'lastOrder', 'orders', 'returns', 'revenue'];
const MONTH_VIEW = {
  period: 'month',
  metric: 'customers',
  mode: 'on',
  net: false,
  maxOffset: 36,
  filters: {},
};
const WEEK_VIEW = { ...MONTH_VIEW, period: 'week', maxOffset: 52 };

/** Every number in a cell's text, e.g. "3.6%~" → 3.6. */
const numberIn = (text: string) => Number(text.replace(/[^\d.-]/g, ''));
/** Decimal places of a CSV number ("0.123" → 3). */
const places = (cell: string) => (cell.includes('.') ? (cell.split('.')[1] ?? '').length : 0);

/**
 * The cohort page as a ChartMogul or PostHog user reads it, against a real server (sign-in on,
 * amounts in euros by RETAIN_CURRENCY): incomplete cells unmistakable, curves that never draw a
 * value so far as data nor smooth a bump into the tail, evenly spaced ticks, a size-weighted
 * average row, counts or percentages, and the customers of a cell as a CSV without personal fields.
 */
describe.skipIf(!chromiumAvailable)(
  'cohorts: incomplete periods, average, counts, curves, drill-down export',
  () => {
    let server: RetainServer;
    let browser: Browser;
    const callers = {} as Record<Role, Caller>;

    beforeAll(async () => {
      [server, browser] = await Promise.all([
        startRetain({
          customers: 3000,
          env: { RETAIN_AUTH: 'on', RETAIN_CURRENCY: 'EUR' },
          users: Object.values(USERS),
        }),
        launchBrowser(),
      ]);
      for (const user of Object.values(USERS))
        callers[user.role] = await signIn(server, user.username, user.password);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    async function contextFor(
      role: Role,
      viewport = DESKTOP,
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
    const api = <T>(procedure: string, input?: unknown, role: Role = 'analyst') =>
      apiQuery<T>(server, procedure, input, callers[role]);
    const params = (page: Page) => new URL(page.url()).searchParams;

    /** The cells of the week view whose period is not over: the last diagonal. */
    async function incompleteWeekCells(): Promise<{ cohort: string; offset: number; value: number }[]> {
      const matrix = await api<Matrix>('cohorts.matrix', WEEK_VIEW);
      const cells = matrix.cohorts.flatMap((c) =>
        c.complete.flatMap((complete, offset) =>
          complete ? [] : [{ cohort: c.cohort, offset, value: c.values[offset] ?? 0 }],
        ),
      );
      if (cells.length === 0) throw new Error('the demo data ends on a Sunday: no week is incomplete');
      return cells;
    }

    async function checkIncompleteCells(page: Page, viewport: typeof DESKTOP): Promise<void> {
      const cells = await incompleteWeekCells();
      await page.goto(`${server.url}/cohorts?period=week`);
      const info = await api<Info>('info.get');
      const asOf = new Date(`${info.purchases.to?.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-US', {
        dateStyle: 'medium',
        timeZone: 'UTC',
      });
      for (const cell of cells.slice(-3)) {
        const button = page.locator(
          `[data-testid=heatmap] button[data-cohort="${cell.cohort}"][data-offset="${cell.offset}"]`,
        );
        await button.scrollIntoViewIfNeeded();
        // Marked "~" as on the command line, hatched, outlined with dashes, and named incomplete.
        expect(await button.textContent()).toBe(`${enPercent(cell.value)}~`);
        const style = await button.evaluate((el) => {
          const css = getComputedStyle(el);
          return { image: css.backgroundImage, outline: css.outlineStyle };
        });
        expect(style.image).toContain('repeating-linear-gradient');
        expect(style.outline).toBe('dashed');
        expect(await button.getAttribute('aria-label')).toContain('incomplete, so far');
        await button.hover();
        const tooltip = page.getByTestId('heatmap-tooltip');
        expect(await tooltip.textContent()).toContain(
          `Incomplete: the period is not over at the as-of date (${asOf}); this is the value so far`,
        );
      }
      // A final cell is neither hatched nor marked.
      const final = page.locator('[data-testid=heatmap] button[data-complete=true]').nth(5);
      expect(await final.evaluate((el) => getComputedStyle(el).backgroundImage)).toBe('none');
      expect(await final.textContent()).not.toContain('~');
      expect(await page.getByTestId('heatmap-legend').textContent()).toContain(
        `incomplete: the period is not over at the as-of date (${asOf})`,
      );
      const last = cells.at(-1);
      await page
        .locator(`[data-testid=heatmap] button[data-cohort="${last?.cohort}"][data-offset="${last?.offset}"]`)
        .hover();
      await screenshot(page, `cohorts-incomplete-week${viewport === PHONE ? '-phone' : ''}`, {
        fullPage: false,
      });
    }

    it('incomplete cells: the week view’s last diagonal is hatched, outlined, marked "~" and says so', async () => {
      const context = await contextFor('analyst');
      await checkIncompleteCells(await context.newPage(), DESKTOP);
      await context.close();
    });

    it('incomplete cells on a 400 px phone: the same marks, the matrix scrolling inside its card', async () => {
      const context = await contextFor('executive', PHONE);
      const page = await context.newPage();
      await checkIncompleteCells(page, PHONE);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
      await context.close();
    });

    /** A week view whose pooled curve ends in weeks that are not over: the cohorts of its last weeks. */
    async function recentWeeksView(): Promise<{ search: string; curve: Curves['curves'][number] }> {
      const info = await api<Info>('info.get');
      const end = new Date(`${info.purchases.to?.slice(0, 10)}T00:00:00Z`);
      const monday = new Date(end.getTime() - ((end.getUTCDay() + 6) % 7) * 86_400_000);
      const from = new Date(monday.getTime() - 6 * 7 * 86_400_000).toISOString().slice(0, 10);
      const curves = await api<Curves>('cohorts.curves', { ...WEEK_VIEW, filters: { from } });
      const curve = curves.curves[0];
      if (!curve) throw new Error(`no curve from ${from}`);
      if (!curve.complete.includes(false)) throw new Error(`no incomplete week in the curve from ${from}`);
      return { search: `period=week&from=${from}`, curve };
    }

    async function checkCurves(page: Page, viewport: typeof DESKTOP): Promise<void> {
      const { search, curve } = await recentWeeksView();
      await page.goto(`${server.url}/cohorts?${search}`);
      await chartDrawn(page, 'chart-curves', '.recharts-line');
      const chart = page.getByTestId('chart-curves');
      const soFar = chart.locator('.chart-so-far');
      // Values so far: a dashed end of their own with hollow points, never part of the curve.
      expect(await soFar.locator('path.recharts-curve').getAttribute('stroke-dasharray')).toBe('5 4');
      const incomplete = curve.complete.slice(1).filter((c) => !c).length;
      const dots = chart.locator('circle.chart-so-far-point');
      expect(await dots.count()).toBe(incomplete + 1); // the curve's last final point, then each value so far
      expect(await dots.first().getAttribute('fill')).toBe('var(--panel)');
      expect(await dots.first().getAttribute('stroke-dasharray')).toBe('0');
      expect(await chart.getByTestId('chart-legend').textContent()).toContain(
        'so far: period not over at the as-of date',
      );
      // Straight segments between points (no curve invents values in between) and a 95% band.
      const solid = chart.locator('.recharts-line:not(.chart-so-far) path.recharts-curve').first();
      expect(await solid.getAttribute('d')).toMatch(/^M[\d.,\s]+(L[\d.,\s]+)+$/);
      expect(await chart.locator('.chart-band .recharts-area-area').count()).toBe(1);
      // The table and CSV say which periods are not over, and round values as the table shows them.
      const csv = parseCsv(
        (await downloadText(page, () => chart.getByRole('button', { name: /as CSV/ }).click())).text,
      );
      expect(csv[0]).toEqual(['weeks since first order', 'all', 'Period over']);
      expect(csv.at(-1)?.[2]).toBe('no');
      for (const row of csv.slice(1)) expect(places(row[1] ?? ''), row.join()).toBeLessThanOrEqual(3);
      await chart.scrollIntoViewIfNeeded();
      await screenshot(page, `cohorts-curves-so-far${viewport === PHONE ? '-phone' : ''}`, {
        fullPage: false,
      });

      // Evenly spaced ticks on round offsets, on the default three years of months.
      await page.goto(`${server.url}/cohorts`);
      await chartDrawn(page, 'chart-curves', '.recharts-line');
      const ticks = (
        await page
          .getByTestId('chart-curves')
          .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')
          .allTextContents()
      ).map(numberIn);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      const gaps = new Set(ticks.slice(1).map((t, i) => t - (ticks[i] ?? 0)));
      expect(gaps.size).toBe(1);
      const step = [...gaps][0] ?? 0;
      expect([1, 2, 3, 6, 12]).toContain(step);
      expect(ticks.every((t) => t % step === 0)).toBe(true);
      expect(
        await chart.locator('.recharts-surface').evaluate((svg) => svg.getBoundingClientRect().right),
      ).toBeLessThanOrEqual(viewport.width);
    }

    it('curves: values so far end each curve dashed and hollow, straight segments, a band, even ticks', async () => {
      const context = await contextFor('analyst');
      await checkCurves(await context.newPage(), DESKTOP);
      await context.close();
    });

    it('curves on a 400 px phone: the same, and the chart fits the screen', async () => {
      const context = await contextFor('analyst', PHONE);
      await checkCurves(await context.newPage(), PHONE);
      await context.close();
    });

    it('average row: weighted by cohort size, the pooled curve’s value, first in the matrix and its CSV', async () => {
      const [matrix, curves] = await Promise.all([
        api<Matrix>('cohorts.matrix', MONTH_VIEW),
        api<Curves>('cohorts.curves', MONTH_VIEW),
      ]);
      const pooled = curves.curves[0];
      const context = await contextFor('analyst');
      const page = await context.newPage();
      await page.goto(`${server.url}/cohorts`);
      const average = page.getByTestId('heatmap-average');
      await average.waitFor();
      expect(await average.locator('th').textContent()).toBe('Average (weighted by size)');
      for (const offset of [1, 3, 6, 12]) {
        // All active customers over all customers of the cohorts whose month `offset` is over.
        const over = matrix.cohorts.filter((c) => c.complete[offset] && c.values[offset] !== null);
        const active = over.reduce((sum, c) => sum + (c.counts[offset] ?? 0), 0);
        const base = over.reduce((sum, c) => sum + (c.bases[offset] ?? 0), 0);
        const cell = average.locator(`[data-offset="${offset}"]`);
        expect(await cell.textContent()).toBe(enPercent(active / base));
        // The same customers the pooled curve counts at that offset.
        expect(enPercent(pooled?.values[offset] ?? -1)).toBe(enPercent(active / base));
        if (offset === 3) {
          await cell.hover();
          expect(await page.getByTestId('heatmap-tooltip').textContent()).toContain(
            `Over ${en(over.length)} cohorts and ${en(base)} customers, each cohort weighted by its size`,
          );
        }
      }
      const csv = parseCsv((await downloadText(page, () => page.getByTestId('export-matrix').click())).text);
      expect(csv[0]?.at(-1)).toBe('first incomplete');
      expect(csv[1]?.[0]).toBe('Average (weighted by size)');
      expect(csv.length - 2).toBe(matrix.cohorts.length);
      for (const row of csv.slice(1))
        for (const cell of row.slice(2)) expect(places(cell)).toBeLessThanOrEqual(3);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'cohorts-average', { fullPage: false });
      await context.close();
    });

    async function checkCounts(page: Page, viewport: typeof DESKTOP): Promise<void> {
      const matrix = await api<Matrix>('cohorts.matrix', MONTH_VIEW);
      const row = matrix.cohorts.at(-10);
      if (!row) throw new Error('too few cohorts');
      await page.goto(`${server.url}/cohorts`);
      const cell = page.locator(`[data-testid=heatmap] button[data-cohort="${row.cohort}"][data-offset="2"]`);
      expect(await cell.textContent()).toBe(enPercent(row.values[2] ?? 0));
      await page.getByRole('radio', { name: 'Customers' }).check();
      await expect.poll(() => params(page).get('show')).toBe('counts');
      await expect.poll(() => cell.textContent()).toBe(en(row.counts[2] ?? -1));
      expect(await page.getByTestId('heatmap-average').locator('th').textContent()).toBe(
        'Average per cohort',
      );
      // The link reproduces the view, and percentages come back.
      await page.goto(page.url());
      await expect.poll(() => cell.textContent()).toBe(en(row.counts[2] ?? -1));
      await screenshot(page, `cohorts-counts${viewport === PHONE ? '-phone' : ''}`, { fullPage: false });
      await page.getByRole('radio', { name: 'Share' }).check();
      await expect.poll(() => cell.textContent()).toBe(enPercent(row.values[2] ?? 0));
      expect(params(page).get('show')).toBeNull();
    }

    it('counts or percentages: a switch in the URL between the customers and their share', async () => {
      const context = await contextFor('executive');
      await checkCounts(await context.newPage(), DESKTOP);
      await context.close();
    });

    it('counts or percentages on a 400 px phone', async () => {
      const context = await contextFor('executive', PHONE);
      const page = await context.newPage();
      await checkCounts(page, PHONE);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
      await context.close();
    });

    it('drill-down: the API gives every role customer ids and order figures only, never personal fields', async () => {
      const input = {
        period: 'month',
        cohort: (await api<Matrix>('cohorts.matrix', MONTH_VIEW)).cohorts[3]?.cohort,
        offset: 1,
      };
      for (const role of Object.keys(USERS) as Role[]) {
        const page = await api<Customers>('cohorts.customers', input, role);
        expect(page.rows.length, role).toBeGreaterThan(0);
        for (const row of page.rows) expect(Object.keys(row).sort(), role).toEqual(DRILL_FIELDS);
      }
    });

    async function checkExport(page: Page, viewport: typeof DESKTOP): Promise<void> {
      // A channel's first period: more customers than one page of the API (a thousand).
      const query = {
        period: 'month',
        by: 'channel',
        mode: 'on',
        status: 'active',
        sort: 'revenue',
        direction: 'desc',
        filters: {},
      };
      const matrix = await api<Matrix>('cohorts.matrix', { ...MONTH_VIEW, by: 'channel' });
      const biggest = [...matrix.cohorts].sort((a, b) => b.size - a.size)[0];
      if (!biggest) throw new Error('no channel cohorts');
      const first = await api<Customers>('cohorts.customers', {
        ...query,
        cohort: biggest.cohort,
        offset: 0,
        page: 1,
        pageSize: 25,
      });
      expect(first.total).toBeGreaterThan(1000);
      await page.goto(`${server.url}/cohorts?by=channel&cell=${encodeURIComponent(biggest.cohort)}&offset=0`);
      await page.getByTestId('drilldown-table').waitFor();
      // Money in the data's currency (RETAIN_CURRENCY=EUR), whole euros as every table shows money.
      const cells = await tableCells(page, '[data-testid=drilldown-table]');
      expect(cells[1]?.[4]).toBe(`€${en(first.rows[0]?.revenue ?? 0)}`);
      const file = await downloadText(page, () => page.getByTestId('export-drilldown').click());
      expect(file.name).toMatch(/^cohort-.*-month-0-active-customers\.csv$/);
      const csv = parseCsv(file.text).filter((line) => line.length > 1);
      expect(csv[0]).toEqual([
        'Customer',
        'First order (UTC)',
        'Last order (UTC)',
        'Orders',
        'Revenue (EUR)',
        'Complaints',
        'Returns',
      ]);
      expect(csv.length - 1).toBe(first.total);
      const top = first.rows[0];
      const [id, firstOrder, lastOrder, orders, revenue, complaints, returns] = csv[1] ?? [];
      expect([id, firstOrder, lastOrder, orders, complaints, returns]).toEqual([
        top?.customerId,
        top?.firstOrder,
        top?.lastOrder,
        String(top?.orders),
        String(top?.complaints),
        String(top?.returns),
      ]);
      // Revenue to the cent.
      expect(places(revenue ?? '')).toBeLessThanOrEqual(2);
      expect(Math.abs(Number(revenue) - (top?.revenue ?? 0))).toBeLessThanOrEqual(0.005);
      expect(new Set(csv.slice(1).map((line) => line[0])).size).toBe(first.total);
      expect(file.text).not.toMatch(/@|name|phone/i);
      await page.getByTestId('drilldown').scrollIntoViewIfNeeded();
      await screenshot(page, `cohorts-drilldown-export${viewport === PHONE ? '-phone' : ''}`, {
        fullPage: false,
      });
    }

    it('drill-down: an analyst downloads every customer of a cell as CSV, in euros, without personal fields', async () => {
      const info = await api<Info>('info.get');
      expect(info.currency).toEqual({ code: 'EUR', source: 'setting' });
      const context = await contextFor('analyst');
      await checkExport(await context.newPage(), DESKTOP);
      await context.close();
    });

    it('drill-down export on a 400 px phone', async () => {
      const context = await contextFor('analyst', PHONE);
      const page = await context.newPage();
      await checkExport(page, PHONE);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
      await context.close();
    });

    it('formats: one precision for every share on the page, money in euros on the overview', async () => {
      const context = await contextFor('executive');
      const page = await context.newPage();
      await page.goto(`${server.url}/cohorts`);
      await page.locator('[data-testid=heatmap] button').first().waitFor();
      const texts = await page.locator('[data-testid=heatmap] .heat-cell').allTextContents();
      expect(texts.length).toBeGreaterThan(100);
      for (const text of texts) expect(text).toMatch(/^\d{1,3}\.\d%(~(, incomplete, so far)?)?$|^—$/);
      await page.goto(`${server.url}/`);
      const revenue = page.getByTestId('kpi-revenue-value');
      // The overview computes a year of KPI history while the first model trains: give it time.
      await revenue.waitFor({ timeout: 120_000 });
      await expect.poll(() => revenue.textContent()).toMatch(/^€[\d,]+$/);
      await context.close();
    }, 240_000);

    it('axe-core: the cohort page in light and dark, with the drill-down open and counts shown', async () => {
      const results: Record<string, string[]> = {};
      for (const [viewport, scheme] of [
        [DESKTOP, 'light'],
        [DESKTOP, 'dark'],
        [PHONE, 'light'],
        [PHONE, 'dark'],
      ] as const) {
        const context = await contextFor('analyst', viewport, scheme);
        const page = await context.newPage();
        // A recent month with customers active a month later, so the drill-down lists some.
        const months = (await api<Matrix>('cohorts.matrix', MONTH_VIEW)).cohorts.slice(-12);
        const cohort = months.find((c) => (c.counts[1] ?? 0) > 0)?.cohort ?? '';
        await page.goto(`${server.url}/cohorts?show=counts&cell=${cohort}&offset=1`);
        await page.getByTestId('drilldown-table').waitFor();
        await chartDrawn(page, 'chart-curves', '.recharts-line');
        results[`${viewport.width} px ${scheme}`] = await seriousA11yViolations(page);
        if (viewport === DESKTOP && scheme === 'dark')
          await screenshot(page, 'cohorts-counts-drilldown-dark', { fullPage: false });
        await context.close();
      }
      expect(results).toEqual({
        '1280 px light': [],
        '1280 px dark': [],
        '400 px light': [],
        '400 px dark': [],
      });
    }, 300_000);
  },
);
