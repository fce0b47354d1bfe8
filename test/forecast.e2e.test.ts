import type { RouterOutputs } from '@retain/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from './support/browser.ts';
import {
  apiQuery,
  chartDrawn,
  downloadText,
  enPercent,
  parseCsv,
  seriousA11yViolations,
} from './support/dashboard.ts';
import { demoDashboard } from './support/demoDashboard.ts';

type Matrix = RouterOutputs['cohorts']['matrix'];
type Curves = RouterOutputs['cohorts']['curves'];
type Trend = RouterOutputs['cohorts']['trend'];

const MONTH_VIEW = {
  period: 'month',
  metric: 'customers',
  mode: 'on',
  net: false,
  maxOffset: 36,
  filters: {},
};

/**
 * Cohort forecasts as an executive or analyst meets them, on a desktop and a 400 px phone: the
 * Cohorts page's toggle, forecast cells that cannot pass for data (bracketed, hatched the other
 * way, dotted outline, a tooltip saying "Forecast" with its 80 % interval), dotted curves with their
 * band, the matrix CSV marking forecasts in their own columns, the Day-N trend with its intervals,
 * line and forecasts, and the Overview's month-1 headline in its tile and its summary sentence.
 * One demo server (3,000 customers) serves every case.
 */
describe.skipIf(!chromiumAvailable)('cohort forecasts and the Day-N trend', () => {
  const demo = demoDashboard({ customers: 3000 });
  let matrix: Matrix;

  beforeAll(async () => {
    matrix = await apiQuery<Matrix>(demo.server, 'cohorts.matrix', { ...MONTH_VIEW, forecast: true });
  });

  it('the API: every cohort keeps its values and gains cells up to twelve months past the data', async () => {
    const plain = await apiQuery<Matrix>(demo.server, 'cohorts.matrix', MONTH_VIEW);
    expect(matrix.cohorts.map(({ cells, forecastBasis, ...row }) => row)).toEqual(plain.cohorts);
    expect(matrix.forecast?.model).toBe('activity');
    const forecasts = matrix.cohorts.flatMap((c) =>
      (c.cells ?? []).filter((cell) => cell.kind === 'forecast'),
    );
    expect(forecasts.length).toBeGreaterThan(50);
    for (const cell of forecasts) {
      expect(cell.lower).toBeLessThanOrEqual(cell.value);
      expect(cell.upper).toBeGreaterThanOrEqual(cell.value);
    }
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`${viewport}: the toggle shows forecast cells that cannot pass for data, with "forecast" and the interval`, async () => {
      const page = demo.pages[viewport];
      await page.goto(`${demo.server.url}/cohorts`);
      await page.getByTestId('heatmap').waitFor();
      expect(await page.locator('[data-testid=heatmap] [data-kind=forecast]').count()).toBe(0);
      await page.getByTestId('control-forecast').check();
      await page.locator('[data-testid=heatmap] [data-kind=forecast]').first().waitFor();
      expect(new URL(page.url()).searchParams.get('forecast')).toBe('on');

      // The latest cohort's forecasts, as the API gives them, in brackets.
      const latest = matrix.cohorts.at(-1);
      const cell = latest?.cells?.find((c) => c.kind === 'forecast');
      if (!latest || !cell) throw new Error('no forecast for the latest cohort');
      const spot = page.locator(
        `[data-testid=heatmap] [data-kind=forecast][data-cohort="${latest.cohort}"][data-offset="${cell.k}"]`,
      );
      await spot.scrollIntoViewIfNeeded();
      expect(await spot.textContent()).toContain(`(${enPercent(cell.value)})`);
      const style = await spot.evaluate((el) => {
        const css = getComputedStyle(el);
        return { image: css.backgroundImage, outline: css.outlineStyle, opacity: Number(css.opacity) };
      });
      expect(style.image).toContain('repeating-linear-gradient(45deg');
      expect(style.outline).toBe('dotted');
      expect(style.opacity).toBeLessThan(1);
      // Forecast cells open nothing: they are not buttons.
      expect(await spot.evaluate((el) => el.tagName)).toBe('SPAN');
      await spot.hover();
      const tooltip = page.getByTestId('heatmap-tooltip');
      const tip = await tooltip.textContent();
      expect(tip).toContain('Forecast');
      expect(tip).toContain(`80% interval: ${enPercent(cell.lower ?? 0)} – ${enPercent(cell.upper ?? 0)}`);
      expect(tip).toContain('Not observed');
      expect(await page.getByTestId('heatmap-forecast-legend').textContent()).toContain(
        'forecast: not observed yet',
      );
      await screenshot(page, `forecast-cells-${viewport}`, { fullPage: false });
      // Lighter is not illegible: the bracketed figures keep their contrast for axe (one viewport
      // is enough for the same markup, and axe over a full matrix takes seconds).
      if (viewport === 'desktop') expect(await seriousA11yViolations(page)).toEqual([]);

      // The period under way: its value so far, and in the tooltip where it is expected to end.
      const underWay = matrix.cohorts.flatMap((c) =>
        (c.cells ?? []).filter((x) => x.kind === 'incomplete' && x.lower !== null).map((x) => ({ c, x })),
      )[0];
      if (underWay) {
        const button = page.locator(
          `[data-testid=heatmap] button[data-cohort="${underWay.c.cohort}"][data-offset="${underWay.x.k}"]`,
        );
        await button.scrollIntoViewIfNeeded();
        await button.hover();
        expect(await tooltip.textContent()).toContain(
          `Forecast at the period’s end: ${enPercent(underWay.x.value)} (80%: ${enPercent(underWay.x.lower ?? 0)} – ${enPercent(underWay.x.upper ?? 0)})`,
        );
      }

      // Counts: the expected number of customers (the share × the cohort's size), still bracketed.
      if (viewport === 'desktop') {
        await page.goto(`${demo.server.url}/cohorts?forecast=on&show=counts`);
        await spot.waitFor();
        expect(await spot.textContent()).toContain(`(${Math.round(cell.value * latest.size)})`);
        await page.goto(`${demo.server.url}/cohorts?forecast=on`);
        await spot.waitFor();
      }

      // Off again: no forecast anywhere, and the URL forgets it.
      await page.getByTestId('control-forecast').uncheck();
      await page.waitForFunction(() => document.querySelectorAll('[data-kind=forecast]').length === 0);
      expect(new URL(page.url()).searchParams.get('forecast')).toBeNull();
    });

    it(`${viewport}: curves end in dotted forecasts with their 80 % band; the CSV marks forecasts in their own columns`, async () => {
      const page = demo.pages[viewport];
      await page.goto(`${demo.server.url}/cohorts?forecast=on`);
      await chartDrawn(page, 'chart-curves', '.chart-forecast');
      const chart = page.getByTestId('chart-curves');
      expect(
        await chart.locator('.chart-forecast path.recharts-curve').first().getAttribute('stroke-dasharray'),
      ).toBe('2 4');
      expect(await chart.getByTestId('chart-legend').textContent()).toContain(
        'forecast, with its 80% interval',
      );
      // Two bands: the observed curve's 95 % and the forecast's 80 %.
      expect(await chart.locator('.chart-band').count()).toBe(2);
      await screenshot(page, `forecast-curves-${viewport}`, { fullPage: false });

      const curves = await apiQuery<Curves>(demo.server, 'cohorts.curves', { ...MONTH_VIEW, forecast: true });
      expect(curves.curves[0]?.cells?.some((c) => c.kind === 'forecast')).toBe(true);

      const { text } = await downloadText(page, () => page.getByTestId('export-matrix').click());
      const [header, average, ...rows] = parseCsv(text);
      expect(header?.slice(-3)).toEqual(['first incomplete', 'first forecast', 'forecast basis']);
      expect(average?.[0]).toBe('Average (weighted by size)');
      const latest = matrix.cohorts.at(-1);
      const line = rows.find((r) => r[0] === latest?.cohort);
      const firstForecast = latest?.cells?.find((c) => c.kind === 'forecast');
      expect(line?.at(-2)).toBe(String(firstForecast?.k));
      expect(line?.at(-1)).toBe(latest?.forecastBasis);
      const column = header?.indexOf(`month ${firstForecast?.k}`) ?? -1;
      expect(Number(line?.[column])).toBeCloseTo(firstForecast?.value ?? -1, 3);
    });

    it(`${viewport}: the Day-N trend with intervals, a trend line and forecasts, at a chosen age`, async () => {
      const page = demo.pages[viewport];
      await page.goto(`${demo.server.url}/cohorts`);
      await chartDrawn(page, 'chart-day-n', '.recharts-line');
      const trend = await apiQuery<Trend>(demo.server, 'cohorts.trend', {
        age: 1,
        period: 'month',
        mode: 'on',
        filters: {},
      });
      const latest = trend.latest;
      if (!latest) throw new Error('no complete cohort at month 1');
      const summary = await page.getByTestId('day-n-latest').textContent();
      expect(summary).toContain(`Latest complete cohort, ${latest.cohort}: ${enPercent(latest.value)}`);
      const chart = page.getByTestId('chart-day-n');
      expect(await chart.locator('.chart-forecast').count()).toBeGreaterThan(0);
      // A hollow point per forecast; the one where the forecast joins the data is the data's own.
      expect(await chart.locator('circle.chart-forecast-point').count()).toBe(
        trend.points.filter((p) => p.kind !== 'observed').length,
      );
      expect(await chart.locator('circle.chart-observed-point').count()).toBe(
        trend.points.filter((p) => p.kind === 'observed').length,
      );
      expect(await chart.getByTestId('chart-legend').textContent()).toContain('Trend line');
      await screenshot(page, `day-n-trend-${viewport}`, { fullPage: false });

      await page.getByTestId('control-age').selectOption('3');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('age') === '3');
      const month3 = await apiQuery<Trend>(demo.server, 'cohorts.trend', {
        age: 3,
        period: 'month',
        mode: 'on',
        filters: {},
      });
      await page
        .getByTestId('day-n-latest')
        .filter({ hasText: month3.latest?.cohort ?? '' })
        .waitFor();
      expect(await page.getByTestId('chart-day-n').textContent()).toContain(
        'Month 3 retention across cohorts',
      );
    });

    it(`${viewport}: the Overview's month-1 headline in its tile and its summary sentence`, async () => {
      const page = demo.pages[viewport];
      await page.goto(`${demo.server.url}/`);
      const trend = await apiQuery<Trend>(demo.server, 'cohorts.trend', {
        age: 1,
        period: 'month',
        filters: {},
      });
      const latest = trend.latest;
      if (!latest || latest.previousMean === null || latest.delta === null) throw new Error('no comparison');
      const value = page.getByTestId('kpi-monthOneRetention-value');
      await value.waitFor();
      expect(await value.textContent()).toBe(enPercent(latest.value));
      expect(await page.getByTestId('kpi-monthOneRetention-population').textContent()).toContain(
        latest.cohort,
      );
      expect(await page.getByTestId('kpi-monthOneRetention').textContent()).toContain(
        `vs ${enPercent(latest.previousMean)}, the average of the 6 cohorts before it`,
      );
      const sentence = page.getByTestId('summary');
      await sentence.filter({ hasText: 'month-1 retention' }).waitFor();
      const words =
        Math.abs(latest.delta) < 0.0005 ? 'in line with' : latest.delta > 0 ? 'points above' : 'points below';
      expect(await sentence.textContent()).toContain(
        `month-1 retention of the latest complete cohort (${latest.cohort}) was ${enPercent(latest.value)}`,
      );
      expect(await sentence.textContent()).toContain(words);
      await page.getByTestId('kpi-monthOneRetention').scrollIntoViewIfNeeded();
      await screenshot(page, `overview-month-one-${viewport}`, { fullPage: false });
      if (viewport === 'phone') expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport === 'phone' ? 400 : 1280,
      );
    });
  }
});
